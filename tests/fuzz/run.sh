#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 30) on top of the seed corpus in
# tests/fuzz/corpus and what earlier runs in build-fuzz found. A crash fails the script and
# leaves the input in build-fuzz/artifacts/; turn it into a regression test (tests/unit or
# tests/mapping) and add it to tests/fuzz/corpus/<target>/ so every later run replays it.
#   tests/fuzz/run.sh --runs 40000  CI: a fixed number of inputs per target from a fixed seed and
#                                   the committed corpus only, so a pass is repeatable
#   tests/fuzz/run.sh 3600 json     one hour on fuzz_json only (time budget, random seed, and
#                                   the corpus earlier runs grew in build-fuzz/corpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUDGET=(-max_total_time="${1:-30}")
CORPUS_DIR=corpus
if [[ "${1:-}" == --runs ]]; then
    BUDGET=(-runs="${2:?--runs needs a count}" -seed=1)
    CORPUS_DIR=corpus-repeatable
    shift 2
    set -- 0 "${1:-}"
fi
ONLY=${2:-}
BUILD=${INTOUCH_FUZZ_BUILD:-build-fuzz}

CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DINTOUCH_FUZZ=ON -DINTOUCH_BUILD_TESTS=OFF -DINTOUCH_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target fuzz_targets

mkdir -p "$BUILD/artifacts"
failed=()
for target in json timestamp page_mapping mapping_file config_file; do
    [[ -n "$ONLY" && "$ONLY" != "$target" ]] && continue
    work="$BUILD/$CORPUS_DIR/$target"
    [[ "$CORPUS_DIR" == corpus-repeatable ]] && rm -rf "$work"
    mkdir -p "$work"
    seeds=(tests/fuzz/corpus/"$target")
    case "$target" in
        mapping_file) seeds+=(mappings) ;;
        config_file) seeds+=(deploy/config.example.yaml) ;;
    esac
    for s in "${seeds[@]}"; do
        if [[ -d "$s" ]]; then cp -n "$s"/* "$work"/ 2>/dev/null || true
        elif [[ -f "$s" ]]; then cp -n "$s" "$work"/ 2>/dev/null || true; fi
    done
    echo "fuzz_$target: ${BUDGET[*]} on $(ls "$work" | wc -l) inputs"
    if ! "$BUILD/tests/fuzz/fuzz_$target" "$work" "${BUDGET[@]}" \
            -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$BUILD/artifacts/$target-" >"$BUILD/fuzz_$target.log" 2>&1; then
        tail -40 "$BUILD/fuzz_$target.log"
        failed+=("$target")
    else
        grep -E 'stat::number_of_executed_units|stat::new_units_added' "$BUILD/fuzz_$target.log" |
            sed "s/^/  /"
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: FAILED ${failed[*]} (inputs in $BUILD/artifacts/)" >&2
    exit 1
fi
echo "fuzz: every target ran (${BUDGET[*]}) without a finding"
