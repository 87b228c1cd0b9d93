# A throwaway PostgreSQL for bench/run.sh: initdb in a temp dir, Unix socket only,
# stopped and removed on exit. Sourced, not run.
#
# BENCH_FSYNC=on|off applies to everything the server does, so the connector and
# the COPY reference run under the same durability settings.

pg_start() {
    local dir=$1 port=$2 bin
    bin=$(pg_bindir)
    [[ -x "$bin/initdb" ]] || die "PostgreSQL server binaries not found (initdb)"
    PG_BIN=$bin
    PG_DIR=$dir
    PG_PORT=$port
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null \
        || die "initdb failed"
    PG_DSN="host=$dir port=$port user=postgres dbname=crm"
    on_exit pg_stop
    pg_launch
}

# Starts the server of pg_start's data directory; extra server options may follow
# (e.g. "-c shared_preload_libraries=pg_stat_statements" for --profile).
pg_launch() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses='' -k $PG_DIR -p $PG_PORT -c fsync=$BENCH_FSYNC -c synchronous_commit=$BENCH_FSYNC -c full_page_writes=$BENCH_FSYNC -c log_autovacuum_min_duration=0 $*" \
        start >/dev/null || die "PostgreSQL did not start; see $PG_DIR/server.log"
    PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
}

pg_stop() {
    [[ -n "${PG_DIR:-}" && -f "$PG_DIR/data/postmaster.pid" ]] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

# psql against the bench database; extra arguments pass through.
# Notices (e.g. "drop cascades to ...") are not the benchmark's output.
pg_sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres "$@"; }

# Before a timed phase: the autovacuum that earlier phases' writes call for is done now,
# untimed, so that it does not run during the phase and get charged to it. Without this the
# COPY reference, timed right after the full sync, shared the machine with the autovacuum
# of the million rows the sync had just written (1M, fsync off: COPY 73-79 s with it,
# 58-66 s without). Autovacuum stays on: what a phase's own writes call for while it runs
# is counted in it ("autovacuum/autoanalyze runs during").
pg_settle() {
    pg_sql -d crm -c "VACUUM (ANALYZE)" -c CHECKPOINT >/dev/null
}

# A fresh, empty `crm` database (dropped first when it exists).
pg_fresh_db() {
    pg_sql -d postgres -c "DROP DATABASE IF EXISTS crm" -c "CREATE DATABASE crm" >/dev/null
}
