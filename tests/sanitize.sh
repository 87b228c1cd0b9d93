#!/usr/bin/env bash
# The test suites again under sanitizers, each in its own build tree:
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer): every suite, the
#         chaos suite with fewer scenarios;
#   tsan  ThreadSanitizer: the parts with threads (fetch/write overlap in every sync, progress,
#         signals, the locking and SIGKILL tests).
# The integration tests run the sanitized intouch-sync and intouch-sim as child processes, and
# a report in a child does not always change what the test sees (a SIGKILL test ignores the exit
# code), so every sanitizer writes its reports to files and any such file fails the pass.
#   tests/sanitize.sh            both passes
#   tests/sanitize.sh asan -R EndToEnd    one pass, extra arguments to ctest
#   tests/sanitize.sh asan tsan           both, named
set -euo pipefail
cd "$(dirname "$0")/.."
passes=()
while [[ $# -gt 0 && ( "$1" == asan || "$1" == tsan ) ]]; do passes+=("$1"); shift; done
[[ ${#passes[@]} -eq 0 ]] && passes=(asan tsan)
JOBS=$(( $(nproc) * 2 ))

run_pass() {
    local pass=$1; shift
    local build="build-$pass" sanitize ctest_args=()
    case "$pass" in
        asan) sanitize=address,undefined ;;
        tsan) sanitize=thread
              ctest_args=(-R 'EndToEnd|Incremental|FailureModes|ChaosRegression|GracefulStop|Locking|ProgressReporter|WriterPostgres|Throttle|Transport') ;;
    esac
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTOUCH_SANITIZE="$sanitize" \
        -DINTOUCH_BUILD_BENCH=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)"
    local reports="$PWD/$build/sanitizer-reports"
    rm -rf "$reports"; mkdir -p "$reports"
    local status=0
    (
        cd "$build"
        export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
        export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
        export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=0:second_deadlock_stack=1"
        export LSAN_OPTIONS="suppressions=$PWD/../tests/sanitizer-suppressions/lsan.supp"
        # Sanitized code is slower: fewer chaos scenarios (the full count runs unsanitized).
        export INTOUCH_CHAOS_SCENARIOS=${INTOUCH_CHAOS_SCENARIOS:-3}
        # gcc 12's TSan cannot map its shadow memory under the kernel's full ASLR entropy.
        local wrap=()
        [[ "$pass" == tsan ]] && wrap=(setarch "$(uname -m)" -R)
        "${wrap[@]}" ctest --output-on-failure --timeout 1800 -j"$JOBS" "${ctest_args[@]}" "$@"
    ) || status=$?
    if compgen -G "$reports/*" >/dev/null; then
        echo "sanitize $pass: reports in $reports:" >&2
        for f in "$reports"/*; do echo "== $f" >&2; head -60 "$f" >&2; done
        status=1
    fi
    [[ $status -eq 0 ]] && echo "sanitize $pass: no findings"
    return $status
}

for pass in "${passes[@]}"; do run_pass "$pass" "$@"; done
