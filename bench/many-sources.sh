#!/usr/bin/env bash
# How many CRMs one machine syncs: K simulated CRMs of N parties each in one config
# (`sources:`), a full sync of the parties stream of all of them with --parallel P, timed.
# Prints figures, asserts nothing.
#
#   bench/many-sources.sh [--sources K] [--records N] [--parallel P] [--build-dir DIR]
#
#   --sources K   CRMs (default 4), each its own intouch-sim and schema
#   --records N   parties per CRM (default 20000)
#   --parallel P  sources synced at once (default K)
#   --build-dir   where intouch-sync and intouch-sim are built (default build-bench, as
#                 bench/run.sh builds them; run that first, or pass build/)
#
# The figure is records per hour = K * N * 3600 / wall seconds of the whole run (migrate
# excluded), from empty tables; the machine's other load is printed with it.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
source "$BENCH/lib/common.sh"
source "$BENCH/lib/postgres.sh"
source "$BENCH/lib/simulator.sh"

SOURCES=4
RECORDS=20000
PARALLEL=
BUILD_DIR=$ROOT/build-bench
BENCH_FSYNC=on
while [[ $# -gt 0 ]]; do
    case $1 in
        --sources) SOURCES=$2; shift 2 ;;
        --records) RECORDS=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
PARALLEL=${PARALLEL:-$SOURCES}
SYNC=$BUILD_DIR/connector/intouch-sync
SIM=$BUILD_DIR/simulator/intouch-sim
for b in "$SYNC" "$SIM"; do [[ -x $b ]] || die "missing $b (build it, or pass --build-dir)"; done

WORK=$(mktemp -d /tmp/intouch-many.XXXXXX)
chmod 755 "$WORK"
on_exit "rm -rf '$WORK'"
pg_start "$WORK/pg" $((50000 + $$ % 10000))
pg_fresh_db

CONFIG=$WORK/warehouse.yaml
echo "sources:" >"$CONFIG"
for ((i = 1; i <= SOURCES; i++)); do
    sim_start "$SIM" "$RECORDS" "$WORK/sim$i.log"
    echo "  - {name: crm$i, url: $SIM_URL, username: $SIM_USER, password: $SIM_PASSWORD," \
         "schema: crm$i, page_size: 1000, requests_per_second: 10000}" >>"$CONFIG"
done
cat >>"$CONFIG" <<CFG
target: {dsn: "$PG_DSN"}
mappings: $ROOT/mappings
migrations: $ROOT/migrations
streams: [parties]
pii: {key: bench-pii-key}
sync: {settle_seconds: 0}
log: {level: warn}
CFG

"$SYNC" migrate --config "$CONFIG" --parallel "$PARALLEL" >"$WORK/migrate.log" 2>&1 \
    || die "migrate failed: $(tail -n 20 "$WORK/migrate.log")"
load_before=$(cut -d' ' -f1 /proc/loadavg)
start=$(now_s)
"$SYNC" sync --config "$CONFIG" --parallel "$PARALLEL" >"$WORK/sync.log" 2>&1 \
    || die "sync failed: $(tail -n 20 "$WORK/sync.log")"
end=$(now_s)
seconds=$(calc "%.2f" "$end - $start")
total=$((SOURCES * RECORDS))
rows=0
for ((i = 1; i <= SOURCES; i++)); do
    rows=$((rows + $(pg_sql -d crm -tA -c "SELECT count(*) FROM crm$i.parties")))
done
tail -n $((SOURCES + 1)) "$WORK/sync.log"
printf 'sources %d x %d parties, --parallel %d, %d cores (load before: %s): %d rows in %s s = %s records/hour\n' \
    "$SOURCES" "$RECORDS" "$PARALLEL" "$(nproc)" "$load_before" "$rows" "$seconds" \
    "$(calc "%.0f" "$total * 3600 / $seconds")"
