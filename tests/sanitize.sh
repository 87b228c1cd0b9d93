#!/usr/bin/env bash
# The test suites again under sanitizers (tests/run.sh runs both passes on every CI run):
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) in build-asan: every
#         suite (unit, mapping, source, sink, integration, ops, mapping_e2e, the simulator's),
#         the chaos suites with fewer scenarios;
#   tsan  ThreadSanitizer in build-tsan: the parts with threads. intouch-sync (fetch/write
#         overlap in AsyncPageWriter, progress and log lines from both threads, stop signals)
#         and intouch-sim (its worker threads) are built with TSan and driven by the
#         integration and ops tests that exercise them (the test programs themselves come
#         from build-asan: they only start processes and compare tables), plus unit_tests and
#         the simulator's own tests built with TSan.
# Both trees are -O1 -g1: about half the compile time of -O2 -g, and still line numbers in
# every report. Only what the tests need is built (no benchmarks, no fuzz targets, no Release).
# The integration tests run the sanitized intouch-sync and intouch-sim as child processes, and
# a report in a child does not always change what the test sees (a SIGKILL test ignores the exit
# code), so every sanitizer writes its reports to files and any such file fails the pass.
#   tests/sanitize.sh                     both passes
#   tests/sanitize.sh asan -R EndToEnd    one pass, extra arguments to ctest
#   tests/sanitize.sh asan tsan           both, named
# Suppressions (each with its reason): tests/sanitizer-suppressions/.
set -euo pipefail
cd "$(dirname "$0")/.."
passes=()
while [[ $# -gt 0 && ( "$1" == asan || "$1" == tsan ) ]]; do passes+=("$1"); shift; done
[[ ${#passes[@]} -eq 0 ]] && passes=(asan tsan)
JOBS=$(( $(nproc) * 2 ))
SUPP="$PWD/tests/sanitizer-suppressions"
# The TSan pass: integration/ops tests whose children run the threaded code paths (the two
# History tests: a first sync's versions are written on two connections from two threads).
TSAN_TESTS='EndToEnd\.|Incremental\.|FailureModes\.|ChaosRegression\.|AutumnHour\.|History\.A(FirstSyncs|KilledFirstSyncs)|ops\.(GracefulStop|Locking|PostgresFaults|Metrics)\.'

configure() {  # build-dir sanitizers [cmake args...]
    local build=$1 sanitize=$2; shift 2
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DINTOUCH_SANITIZE="$sanitize" \
        -DINTOUCH_BUILD_BENCH=OFF -DINTOUCH_FUZZ=OFF "${launcher[@]}" "$@" >/dev/null
}

report_env() {  # reports-dir: the sanitizer options every process (and child) inherits
    local reports=$1
    export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:suppressions=$SUPP/ubsan.supp"
    export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=0:second_deadlock_stack=1:suppressions=$SUPP/tsan.supp"
    export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"
}

check_reports() {  # pass reports-dir status
    local pass=$1 reports=$2 status=$3
    if compgen -G "$reports/*" >/dev/null; then
        echo "sanitize $pass: reports in $reports:" >&2
        for f in "$reports"/*; do echo "== $f" >&2; head -80 "$f" >&2; done
        status=1
    fi
    [[ $status -eq 0 ]] && echo "sanitize $pass: no findings"
    return "$status"
}

asan_pass() {
    local build=build-asan
    local built=$SECONDS
    configure "$build" address,undefined
    cmake --build "$build" -j"$(nproc)"
    echo "sanitize asan: build $(( SECONDS - built )) s"
    local reports="$PWD/$build/sanitizer-reports" status=0
    rm -rf "$reports"; mkdir -p "$reports"
    (
        cd "$build"
        report_env "$reports"
        # Sanitized code is slower: fewer chaos scenarios (the full count runs unsanitized).
        export INTOUCH_CHAOS_SCENARIOS=${INTOUCH_CHAOS_SCENARIOS:-8}
        export INTOUCH_CHAOS_SHAPE_SCENARIOS=${INTOUCH_CHAOS_SHAPE_SCENARIOS:-2}
        # One test runs all SQLite scenarios (no shards): 8 took 332 s under ASan, the
        # longest test of the pass, ending it alone.
        export INTOUCH_CHAOS_SQLITE_SCENARIOS=${INTOUCH_CHAOS_SQLITE_SCENARIOS:-4}
        ctest --output-on-failure --timeout 1800 -j"$JOBS" "$@"
    ) || status=$?
    check_reports asan "$reports" "$status"
}

tsan_pass() {
    local build=build-tsan harness=build-asan built=$SECONDS
    configure "$build" thread
    cmake --build "$build" -j"$(nproc)" --target intouch-sync intouch-sim unit_tests intouch_sim_tests
    # The test programs that start the TSan children (a no-op when the asan pass built them).
    [[ -f "$harness/CMakeCache.txt" ]] || configure "$harness" address,undefined
    cmake --build "$harness" -j"$(nproc)" --target integration_tests ops_tests
    echo "sanitize tsan: build $(( SECONDS - built )) s"
    local reports="$PWD/$build/sanitizer-reports" status=0
    rm -rf "$reports"; mkdir -p "$reports"
    (
        report_env "$reports"
        export INTOUCH_SYNC_BIN="$PWD/$build/connector/intouch-sync"
        export INTOUCH_SIM_BIN="$PWD/$build/simulator/intouch-sim"
        export INTOUCH_CHAOS_SCENARIOS=${INTOUCH_CHAOS_SCENARIOS:-8}
        # gcc 12's TSan cannot map its shadow memory under the kernel's full ASLR entropy;
        # the personality is inherited by every child process.
        local norand=(setarch "$(uname -m)" -R) rc=0
        "${norand[@]}" "$build/tests/unit/unit_tests" --gtest_brief=1 || rc=1
        "${norand[@]}" "$build/simulator/tests/intouch_sim_tests" --gtest_brief=1 || rc=1
        cd "$harness"
        "${norand[@]}" ctest --output-on-failure --timeout 1800 -j"$JOBS" -R "$TSAN_TESTS" "$@" || rc=1
        exit "$rc"
    ) || status=$?
    check_reports tsan "$reports" "$status"
}

status=0
for pass in "${passes[@]}"; do
    start=$SECONDS
    "${pass}_pass" "$@" || status=1
    echo "sanitize $pass: $(( SECONDS - start )) s"
done
exit "$status"
