#!/usr/bin/env bash
# End-to-end benchmark of intouch-sync on the parties stream, with its physical
# limits measured in the same run. One command; prints figures, asserts nothing.
#
#   bench/run.sh [--records N] [--scale K] [--fsync on|off] [--profile] [--no-micro]
#                [--history on|off] [--no-sqlite] [--no-peer] [--build-dir DIR] [--no-build] [--keep]
#
#   --records N   parties served by the simulator (default 200000)
#   --scale K     also run at K*N to show peak RSS does not grow with N (default 5;
#                 1 = only N). The simulator holds ~7 KB per record: 1M = ~7 GB.
#   --fsync       PostgreSQL fsync/synchronous_commit/full_page_writes (default on);
#                 the connector and the COPY reference always run under the same setting
#   --history     the parties mapping's `history: true` (default on, as shipped); off
#                 syncs with a copy of the mappings without it, to measure its cost
#   --profile     also profile one full sync at N: perf (connector CPU by function)
#                 and pg_stat_statements (server time by statement)
#   --no-micro    skip the Google Benchmark micro-benchmarks
#   --no-sqlite   skip the full sync into a SQLite file (issue 15's figure; 6 min at 1M)
#   --no-peer     skip the peer script (3 min at 1M), e.g. for repeated runs of the
#                 COPY ratio
#   --keep        keep the work directory (logs, perf data) instead of removing it
#
# See bench/README.md for what each figure means and the figures measured so far.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
# shellcheck source=lib/common.sh
source "$BENCH/lib/common.sh"
source "$BENCH/lib/postgres.sh"
source "$BENCH/lib/simulator.sh"
source "$BENCH/lib/references.sh"
source "$BENCH/lib/measure.sh"
source "$BENCH/lib/profile.sh"
source "$BENCH/lib/report.sh"

BENCH_ARGS="$*"
RECORDS=200000
SCALE=5
BENCH_FSYNC=on
HISTORY=on
PROFILE=0
MICRO=1
SQLITE=1
PEER=1
BUILD=1
KEEP=0
BUILD_DIR=$ROOT/build-bench
while [[ $# -gt 0 ]]; do
    case $1 in
        --records) RECORDS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --fsync) BENCH_FSYNC=$2; shift 2 ;;
        --history) HISTORY=$2; shift 2 ;;
        --profile) PROFILE=1; shift ;;
        --no-micro) MICRO=0; shift ;;
        --no-sqlite) SQLITE=0; shift ;;
        --no-peer) PEER=0; shift ;;
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ $RECORDS =~ ^[0-9]+$ && $RECORDS -ge 2000 ]] || die "--records must be a number >= 2000"
[[ $SCALE =~ ^[0-9]+$ && $SCALE -ge 1 ]] || die "--scale must be a whole number >= 1"
((RECORDS * SCALE <= 2000000)) || die "the simulator serves at most 2000000 records"
[[ $BENCH_FSYNC == on || $BENCH_FSYNC == off ]] || die "--fsync is on or off"
[[ $HISTORY == on || $HISTORY == off ]] || die "--history is on or off"

if ((BUILD)); then
    say "building (Release) in $BUILD_DIR"
    # -g only adds symbols for perf.
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DINTOUCH_BUILD_TESTS=OFF \
        -DINTOUCH_BUILD_BENCH=ON -DCMAKE_CXX_FLAGS="-g" >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target intouch-sync intouch-sim micro_bench measure-exec \
        >"$BUILD_DIR/bench-build.log" 2>&1 || die "build failed; see $BUILD_DIR/bench-build.log"
fi
SYNC=$BUILD_DIR/connector/intouch-sync
SIM=$BUILD_DIR/simulator/intouch-sim
MEASURE=$BUILD_DIR/bench/measure-exec
MICRO_BIN=$BUILD_DIR/bench/micro_bench
for b in "$SYNC" "$SIM" "$MEASURE"; do [[ -x $b ]] || die "missing $b (drop --no-build)"; done

WORK=$(mktemp -d /tmp/intouch-bench.XXXXXX)
chmod 755 "$WORK"  # the postgres user writes its dumps below it
if ((KEEP)); then say "work directory kept: $WORK"; else on_exit "rm -rf '$WORK'"; fi
pg_start "$WORK/pg" $((50000 + $$ % 10000))
MAPPINGS=$ROOT/mappings
if [[ $HISTORY == off ]]; then
    MAPPINGS=$WORK/mappings
    cp -r "$ROOT/mappings" "$MAPPINGS"
    sed -i '/^history: true$/d' "$MAPPINGS/parties.yaml"
fi

SIZES=("$RECORDS")
((SCALE > 1)) && SIZES+=($((RECORDS * SCALE)))
for n in "${SIZES[@]}"; do
    bench_size "$n"
done
if ((MICRO)); then
    say "micro-benchmarks (Google Benchmark) on a captured 1000-record page"
    INTOUCH_BENCH_PAGE=$WORK/page.json INTOUCH_BENCH_MAPPING=$ROOT/mappings/parties.yaml \
        "$MICRO_BIN" --benchmark_min_time=0.5 --benchmark_out="$WORK/micro.csv" --benchmark_out_format=csv >"$WORK/micro.txt" 2>"$WORK/micro.err" \
        || die "micro_bench failed; see $WORK/micro.err"
fi
if ((PROFILE)); then
    profile_full_sync "$RECORDS"
fi
print_report
