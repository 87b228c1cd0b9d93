#!/usr/bin/env bash
# The whole test suite from a fresh checkout: installs the system packages,
# builds everything, runs every test (unit and integration; the integration
# tests start their own PostgreSQL servers and CRM simulators). CI runs exactly
# this. Extra arguments go to ctest, e.g. `tests/run.sh -R mapping`.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cd build
# Twice as many test processes as cores: most integration tests wait on throttled
# requests and child processes, not on the CPU.
ctest --output-on-failure --timeout 1200 -j"$(( $(nproc) * 2 ))" "$@"
