#!/usr/bin/env bash
# The whole test suite from a fresh checkout: installs the system packages,
# builds everything, runs every test (unit and integration; the integration
# tests start their own PostgreSQL servers and CRM simulators). CI runs exactly
# this, then a short fuzzing pass and the suites again under sanitizers (tests/README.md says
# how long each phase takes). Extra arguments go to ctest, e.g. `tests/run.sh -R mapping`;
# with them (a developer's subset) the fuzzing and sanitizer passes are skipped;
# INTOUCH_SANITIZERS=none skips only the sanitizer passes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each phase's wall time, printed again at the end (also after a failure): the end of the log is
# what CI shows, and the 90-minute limit is only watched if the phases are known.
phase_log=""
phase_start=$SECONDS
phase() {
    phase_log+="  $(printf '%-34s %5d s' "$1" $(( SECONDS - phase_start )))"$'\n'
    phase_start=$SECONDS
}
trap 'printf "tests/run.sh phase times (total %d s):\n%s" "$SECONDS" "$phase_log"' EXIT

./deploy/install-deps.sh
phase "install dependencies"
# Warnings are errors here (INTOUCH_WERROR), never in a user's or packager's build.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTOUCH_WERROR=ON
cmake --build build -j"$(nproc)"
phase "build (RelWithDebInfo)"
# A plain Release build (-O3, what packagers use) must keep compiling: g++ warns at -O3
# where it does not at -O2. Compile only, and only the two programs, to keep CI short.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DINTOUCH_WERROR=ON \
    -DINTOUCH_BUILD_TESTS=OFF -DINTOUCH_BUILD_BENCH=OFF
cmake --build build-release -j"$(nproc)" --target intouch-sync intouch-sim
phase "build (Release, two programs)"
# Twice as many test processes as cores: most integration tests wait on throttled
# requests and child processes, not on the CPU.
(cd build && ctest --output-on-failure --timeout 1200 -j"$(( $(nproc) * 2 ))" "$@")
phase "ctest"
[[ $# -gt 0 ]] && exit 0

# Every libFuzzer target (clang, ASan+UBSan) for a fixed number of inputs from a fixed seed
# and the committed corpus, so the pass is the same on every run; tests/fuzz/run.sh SECONDS
# fuzzes for real (random seed, growing corpus).
./tests/fuzz/run.sh --runs "${INTOUCH_FUZZ_RUNS:-40000}"
phase "fuzzing"
# The suites again under sanitizers (tests/sanitize.sh): ASan+UBSan+LSan on every suite in
# build-asan, ThreadSanitizer on the threaded parts in build-tsan; a report in any process,
# child processes included, fails CI. Developers skip them with INTOUCH_SANITIZERS=none, or
# pick one pass with INTOUCH_SANITIZERS=asan (or tsan). Phase times: tests/README.md.
sanitizers=${INTOUCH_SANITIZERS-asan tsan}
if [[ -n "$sanitizers" && "$sanitizers" != none ]]; then
    # shellcheck disable=SC2086  # a list of pass names
    ./tests/sanitize.sh $sanitizers
    phase "sanitizers ($sanitizers)"
fi
