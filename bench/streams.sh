#!/usr/bin/env bash
# Every stream, not only parties: the requests each stream costs (full sync, and a run with
# nothing new) and the wall time of a full sync with sync.parallel_streams 1 and 2.
# One command; prints figures, asserts nothing (issue 14, items 3 and 5).
#
#   bench/streams.sh [--records N] [--page-size P] [--repeat K] [--build-dir DIR]
#
#   --records N    parties served by the simulator; the other streams scale with it
#                  (simulator/README.md, "Sizes"); default 50000
#   --page-size P  source.page_size (default 1000)
#   --repeat K     full syncs per parallel_streams value, each into a fresh database (default 3)
#   --build-dir    where intouch-sync and intouch-sim are built (default build/; not built here)
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
source "$BENCH/lib/common.sh"
source "$BENCH/lib/postgres.sh"
source "$BENCH/lib/simulator.sh"

RECORDS=50000
PAGE=1000
REPEAT=3
BUILD_DIR=$ROOT/build
BENCH_FSYNC=on
while [[ $# -gt 0 ]]; do
    case $1 in
        --records) RECORDS=$2; shift 2 ;;
        --page-size) PAGE=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
SYNC=$BUILD_DIR/connector/intouch-sync
SIM=$BUILD_DIR/simulator/intouch-sim
for b in "$SYNC" "$SIM"; do [[ -x $b ]] || die "missing $b (build intouch-sync and intouch-sim)"; done

WORK=$(mktemp -d /tmp/intouch-streams.XXXXXX)
chmod 755 "$WORK"
on_exit "rm -rf '$WORK'"
pg_start "$WORK/pg" $((50000 + $$ % 10000))
sim_start "$SIM" "$RECORDS" "$WORK/sim.log"

config() {  # config PARALLEL
    cat >"$WORK/sync.yaml" <<YAML
source:
  url: $SIM_URL
  username: $SIM_USER
  password: $SIM_PASSWORD
  page_size: $PAGE
  requests_per_second: 10000
target:
  dsn: "$PG_DSN"
  schema: intouch
mappings: $ROOT/mappings
migrations: $ROOT/migrations
pii:
  key: bench-pii-key
sync:
  parallel_streams: $1
YAML
}

# Requests of the newest run: "stream requests" lines, then the run's total.
run_requests() {
    pg_sql -d crm -Atc "SELECT stream, requests FROM intouch.sync_stream_runs
                        WHERE run_id = (SELECT max(run_id) FROM intouch.sync_runs) ORDER BY stream"
    pg_sql -d crm -Atc "SELECT 'run total', requests FROM intouch.sync_runs ORDER BY run_id DESC LIMIT 1"
}

# Records the CRM serves per stream (its `total`), for ceil(N / page_size) + 3.
stream_totals() {
    local s
    for s in parties comm opportunities buscases invoices products stores notes files members lists; do
        printf '%s|%s\n' "$s" "$(curl -sS -u "$SIM_USER:$SIM_PASSWORD" "$SIM_URL/$s?position=0&size=1" |
            grep -o '"total":[0-9]*' | head -n 1 | grep -o '[0-9]*' || echo '?')"
    done
}

say "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
declare -A WALL
for p in 1 2; do
    config "$p"
    for ((i = 1; i <= REPEAT; i++)); do
        pg_fresh_db
        "$SYNC" migrate --config "$WORK/sync.yaml" >"$WORK/migrate.log" 2>&1 || die "migrate failed; see $WORK/migrate.log"
        pg_sql -d crm -c CHECKPOINT >/dev/null
        t0=$(now_s)
        "$SYNC" sync --config "$WORK/sync.yaml" >"$WORK/full-$p-$i.out" 2>"$WORK/full-$p-$i.log" ||
            die "full sync failed; see $WORK/full-$p-$i.log"
        WALL[$p.$i]=$(calc "%.2f" "$(now_s) - $t0")
        say "full sync, parallel_streams $p, run $i: ${WALL[$p.$i]} s (load $(cut -d' ' -f1 /proc/loadavg))"
    done
done
say "requests of the last full sync (parallel_streams 2), and of a run with nothing new after it"
run_requests >"$WORK/full.req"
"$SYNC" sync --config "$WORK/sync.yaml" >"$WORK/noop.out" 2>"$WORK/noop.log" || die "sync failed; see $WORK/noop.log"
run_requests >"$WORK/noop.req"
stream_totals >"$WORK/totals"

echo
echo "records $RECORDS (parties), page_size $PAGE, load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| parallel_streams | full sync wall s (each run) |"
echo "|---|---|"
for p in 1 2; do
    line=""
    for ((i = 1; i <= REPEAT; i++)); do line+="${WALL[$p.$i]} "; done
    echo "| $p | $line|"
done
echo
echo "| stream | records | goal full: ceil(N/page)+3 | full sync requests | nothing new requests (goal <= 2) |"
echo "|---|---|---|---|---|"
join -t'|' <(sort "$WORK/totals") <(sort "$WORK/full.req") | join -t'|' - <(sort "$WORK/noop.req") |
    while IFS='|' read -r s n full noop; do
        goal='?'
        [[ $n =~ ^[0-9]+$ ]] && goal=$(((n + PAGE - 1) / PAGE + 3))
        echo "| $s | $n | $goal | $full | $noop |"
    done
echo "| run total (streams + /api/about) | | | $(grep '^run total' "$WORK/full.req" | cut -d'|' -f2) | $(grep '^run total' "$WORK/noop.req" | cut -d'|' -f2) |"
