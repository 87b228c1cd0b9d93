#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout to a synced database, with no server to set up:
# installs packages, builds, starts the bundled InTouch API simulator, migrates and runs a
# full sync into the SQLite file .demo/crm.db, prints a summary and the sqlite3 command to
# look at the data.
#
#   deploy/demo.sh [RECORDS]     # default 20000 parties (and related streams)
#   deploy/demo.sh --postgres [RECORDS]
#                                # the same into a throwaway PostgreSQL under .demo/ instead
#                                # (also INTOUCH_DEMO_TARGET=postgres)
#   deploy/demo.sh --crm-version 6.2 [RECORDS]
#                                # the simulator plays that CRM version (also
#                                # INTOUCH_DEMO_CRM_VERSION=6.2): 6.2 has no members, 7.x
#                                # serves notes as comments; see simulator/README.md
#   deploy/demo.sh stop          # stop the demo PostgreSQL (if any) and remove .demo/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO="$ROOT/.demo"
PGPORT=${INTOUCH_DEMO_PGPORT:-54329}

pg_bindir() {
    local d
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -x "$d/initdb" ]]; then echo "$d"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# PostgreSQL refuses to run as root; as root the demo server runs as `postgres`.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

CRM_VERSION=${INTOUCH_DEMO_CRM_VERSION:-}
TARGET=${INTOUCH_DEMO_TARGET:-sqlite}
RECORDS=20000
STOP=
while [[ $# -gt 0 ]]; do
    case "$1" in
        stop) STOP=1; shift ;;
        --postgres) TARGET=postgres; shift ;;
        --sqlite) TARGET=sqlite; shift ;;
        --crm-version) CRM_VERSION=${2:?--crm-version needs a version, e.g. 6.2}; shift 2 ;;
        --crm-version=*) CRM_VERSION=${1#*=}; shift ;;
        [0-9]*) RECORDS=$1; shift ;;
        *) echo "usage: deploy/demo.sh [--postgres] [--crm-version X.Y] [RECORDS] | stop" >&2; exit 2 ;;
    esac
done

if [[ -n "$STOP" ]]; then
    if [[ -d "$DEMO/pgdata" ]]; then as_pg "$(pg_bindir)/pg_ctl" -D "$DEMO/pgdata" -m fast stop || true; fi
    rm -rf "$DEMO"
    echo "demo stopped and .demo/ removed"
    exit 0
fi

./deploy/install-deps.sh
# Same build type as tests/run.sh, so the two share one build directory.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target intouch-sync intouch-sim

mkdir -p "$DEMO"
if [[ "$TARGET" == postgres ]]; then
    BIN=$(pg_bindir)
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$DEMO"
        if ! runuser -u postgres -- test -x "$DEMO"; then
            echo "demo: user postgres cannot reach $DEMO (a parent directory is private);" >&2
            echo "      clone the repository somewhere readable, e.g. under /srv or /tmp" >&2
            exit 1
        fi
    fi
    if [[ -f "$DEMO/pgdata/postmaster.pid" ]]; then
        as_pg "$BIN/pg_ctl" -D "$DEMO/pgdata" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DEMO/pgdata"
    as_pg "$BIN/initdb" -D "$DEMO/pgdata" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DEMO/pgdata" -l "$DEMO/pgdata/server.log" -w \
        -o "-c listen_addresses='' -k $DEMO -p $PGPORT" start >/dev/null
    as_pg "$BIN/createdb" -h "$DEMO" -p "$PGPORT" -U postgres crm
fi

# The simulator picks a free port and says which on its first line.
SIM_LOG="$DEMO/simulator.log"
SIM_ARGS=(--port 0 --records "$RECORDS" --seed 42 --user demo --password demo-secret)
if [[ -n "$CRM_VERSION" ]]; then
    SIM_ARGS+=(--crm-version "$CRM_VERSION")
    echo "demo: the simulator plays InTouch CRM $CRM_VERSION"
fi
./build/simulator/intouch-sim "${SIM_ARGS[@]}" >"$SIM_LOG" 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$SIM_LOG" 2>/dev/null && break
    sleep 0.1
done
API_URL=$(grep -o 'http[s]*://[^ ]*' "$SIM_LOG" | head -n 1)
[[ -n "$API_URL" ]] || { echo "demo: the simulator did not start; see $SIM_LOG" >&2; exit 1; }

if [[ "$TARGET" == postgres ]]; then
    TARGET_YAML="target:
  dsn: \"host=$DEMO port=$PGPORT user=postgres dbname=crm\"
  schema: intouch"
else
    # A new file each time: the demo shows a first sync.
    rm -f "$DEMO/crm.db" "$DEMO/crm.db-wal" "$DEMO/crm.db-shm"
    rm -rf "$DEMO/crm.db.locks"
    TARGET_YAML="target:
  sqlite: crm.db"
fi
cat >"$DEMO/sync.yaml" <<YAML
source:
  url: $API_URL
  username: demo
  password: \${DEMO_PASSWORD}
  page_size: 1000
  requests_per_second: 1000
$TARGET_YAML
mappings: $ROOT/mappings
migrations: $ROOT/migrations
pii:
  key: \${DEMO_PII_KEY}
YAML

export DEMO_PASSWORD=demo-secret DEMO_PII_KEY=demo-pii-key
./build/connector/intouch-sync migrate --config "$DEMO/sync.yaml"
# A stream this CRM version does not serve is skipped or fails alone (exit 9): show the
# summary and the status either way, then end with sync's exit code.
SYNC_EXIT=0
./build/connector/intouch-sync sync --config "$DEMO/sync.yaml" || SYNC_EXIT=$?
echo "sync exit code: $SYNC_EXIT (see intouch-sync --help)"
./build/connector/intouch-sync status --config "$DEMO/sync.yaml"
echo
if [[ "$TARGET" == postgres ]]; then
    echo "Look at the data:  psql \"host=$DEMO port=$PGPORT user=postgres dbname=crm\" -c 'SELECT id, type, name, city, modified FROM intouch.parties LIMIT 10'"
    echo "Decoded, current:  psql \"host=$DEMO port=$PGPORT user=postgres dbname=crm\" -c 'SELECT id, name, country_label, categories_labels FROM intouch.parties_current LIMIT 10'"
    echo "Documented:        psql \"host=$DEMO port=$PGPORT user=postgres dbname=crm\" -c '\\d+ intouch.parties'"
else
    echo "Look at the data:  sqlite3 -header -column $DEMO/crm.db 'SELECT id, type, name, city, modified FROM parties LIMIT 10'"
    echo "Tables:            sqlite3 $DEMO/crm.db .tables"
    echo "(the decoded <table>_current views and column comments are PostgreSQL-only: deploy/demo.sh --postgres)"
fi
echo "Stop the demo:     deploy/demo.sh stop"
exit "$SYNC_EXIT"
