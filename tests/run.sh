#!/usr/bin/env bash
# The whole test suite from a fresh checkout: installs the system packages,
# builds everything, runs every test (unit and integration; the integration
# tests start their own PostgreSQL servers and CRM simulators). CI runs exactly
# this. Extra arguments go to ctest, e.g. `tests/run.sh -R mapping`.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh
# Warnings are errors here (INTOUCH_WERROR), never in a user's or packager's build.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTOUCH_WERROR=ON
cmake --build build -j"$(nproc)"
# A plain Release build (-O3, what packagers use) must keep compiling: g++ warns at -O3
# where it does not at -O2. Compile only, and only the two programs, to keep CI short.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DINTOUCH_WERROR=ON \
    -DINTOUCH_BUILD_TESTS=OFF -DINTOUCH_BUILD_BENCH=OFF
cmake --build build-release -j"$(nproc)" --target intouch-sync intouch-sim
cd build
# Twice as many test processes as cores: most integration tests wait on throttled
# requests and child processes, not on the CPU.
ctest --output-on-failure --timeout 1200 -j"$(( $(nproc) * 2 ))" "$@"
