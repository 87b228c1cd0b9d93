# The end-to-end measurements of bench/run.sh at one data-set size. Sourced.
# Every figure goes into an associative array R["<records>.<name>"] for report.sh.

declare -A R

# The connector's config: the simulator and the bench database; politeness
# limit lifted (the default 5 requests/s would be all that is measured).
write_config() {
    cat >"$WORK/sync.yaml" <<YAML
source:
  url: $SIM_URL
  username: $SIM_USER
  password: $SIM_PASSWORD
  page_size: 1000
  requests_per_second: 10000
target:
  dsn: "$PG_DSN"
  schema: intouch
mappings: $MAPPINGS
migrations: $ROOT/migrations
pii:
  key: bench-pii-key
log:
  format: json
YAML
}

# The same config with the SQLite file $WORK/crm-N.db as the target (issue 15).
write_sqlite_config() {
    sed "/^target:/,/^  schema:/c\\target:\\n  sqlite: $WORK/crm-$1.db" "$WORK/sync.yaml" >"$WORK/sync-sqlite.yaml"
}

# measure_sqlite_full N: the full sync of parties into a fresh SQLite file, timed like
# measure_sync (PG CPU is not charged: PostgreSQL is idle meanwhile).
measure_sqlite_full() {
    local n=$1 log="$WORK/sync-$1-sqlite.log" rows
    write_sqlite_config "$n"
    rm -rf "$WORK/crm-$n.db" "$WORK/crm-$n.db-wal" "$WORK/crm-$n.db-shm" "$WORK/crm-$n.db.locks"
    "$SYNC" migrate --config "$WORK/sync-sqlite.yaml" >"$WORK/migrate-$n-sqlite.log" 2>&1 \
        || die "migrate (SQLite) failed; see $WORK/migrate-$n-sqlite.log"
    "$MEASURE" "$WORK/sqlite.rusage" -- "$SYNC" sync --config "$WORK/sync-sqlite.yaml" --stream parties \
        >"$log.out" 2>"$log" || die "intouch-sync sync (SQLite, $n records) failed; see $log"
    # shellcheck disable=SC1090
    source "$WORK/sqlite.rusage"
    R[$n.sqlite.wall]=$wall_s
    R[$n.sqlite.cpu]=$(calc "%.2f" "$user_s + $sys_s")
    R[$n.sqlite.rss_mb]=$(calc "%.1f" "$maxrss_kb / 1024")
    R[$n.sqlite.pg_cpu]=-
    R[$n.sqlite.sim_cpu]=-
    R[$n.sqlite.seen]=$(stream_done_field "$log" seen)
    R[$n.sqlite.file_mb]=$(calc "%.0f" "$(stat -c %s "$WORK/crm-$n.db") / 1048576")
    rows=$(sqlite3 "$WORK/crm-$n.db" "SELECT count(*) FROM parties")
    ((rows == n)) || die "full sync into SQLite left $rows rows in parties, expected $n"
    rm -rf "$WORK/crm-$n.db" "$WORK/crm-$n.db-wal" "$WORK/crm-$n.db-shm" "$WORK/crm-$n.db.locks"
}

# How many automatic vacuums/analyzes the server has logged (log_autovacuum_min_duration=0,
# pg_launch): a run's PostgreSQL CPU includes the autovacuum workers that ran meanwhile.
autovac_lines() { grep -c 'automatic \(vacuum\|analyze\)' "$PG_DIR/server.log" 2>/dev/null || true; }

# A value from the connector's "stream done" log line.
stream_done_field() {
    grep '"stream done"' "$1" | tail -n 1 | grep -o "\"$2\":\"[0-9]*\"" | grep -o '[0-9]*' || echo 0
}

# measure_sync N LABEL: one `intouch-sync sync --stream parties` with its wall
# time, CPU and peak RSS (measure-exec), the CPU PostgreSQL and the simulator
# spent meanwhile, and the records the run wrote.
measure_sync() {
    local n=$1 label=$2 log="$WORK/sync-$1-$2.log" pg0 pg1 sim0 sim1
    pg_settle  # earlier writes are not charged to this run
    local log0
    log0=$(autovac_lines)
    pg0=$(pg_ticks "$PG_PID")
    sim0=$(proc_ticks "$SIM_PID")
    local steal0
    steal0=$(cpu_steal_ticks)
    "$MEASURE" "$WORK/$label.rusage" -- "$SYNC" sync --config "$WORK/sync.yaml" --stream parties \
        >"$log.out" 2>"$log" || die "intouch-sync sync ($label, $n records) failed; see $log"
    sleep 0.3  # the backend's CPU reaches the postmaster's cutime once it is reaped
    pg1=$(pg_ticks "$PG_PID")
    sim1=$(proc_ticks "$SIM_PID")
    # shellcheck disable=SC1090
    source "$WORK/$label.rusage"
    R[$n.$label.wall]=$wall_s
    R[$n.$label.cpu]=$(calc "%.2f" "$user_s + $sys_s")
    R[$n.$label.user]=$user_s
    R[$n.$label.sys]=$sys_s
    R[$n.$label.rss_mb]=$(calc "%.1f" "$maxrss_kb / 1024")
    R[$n.$label.pg_cpu]=$(ticks_to_s $((pg1 - pg0)))
    R[$n.$label.sim_cpu]=$(ticks_to_s $((sim1 - sim0)))
    R[$n.$label.written]=$(stream_done_field "$log" upserted)
    R[$n.$label.seen]=$(stream_done_field "$log" seen)
    R[$n.$label.requests]=$(stream_done_field "$log" requests)
    R[$n.$label.autovac]=$(($(autovac_lines) - log0))
    R[$n.$label.steal]=$(steal_percent "$steal0" "$(cpu_steal_ticks)")
}

# Edits as people make them: spread over time, at most 500 with the same
# `modified` second. (More than a page of records sharing one second is a tie
# group larger than a page, which the reader resolves with a scan in id order:
# the "bulk" row measures that case on its own.)
spread_edits() {
    local left=$1 batch
    while ((left > 0)); do
        batch=$((left < 500 ? left : 500))
        sim_control POST "/_sim/mutate?stream=parties&edits=$batch" >/dev/null
        left=$((left - batch))
        if ((left > 0)); then sleep 1.05; fi  # the simulator stamps whole seconds
    done
}

bench_size() {
    local n=$1 edits=$(($1 / 100)) t0 rows
    say "== $n parties =="
    pg_fresh_db
    t0=$(now_s)
    sim_start "$SIM" "$n" "$WORK/sim-$n.log"
    R[$n.sim_start_s]=$(calc "%.1f" "$(now_s) - $t0")
    R[$n.sim_rss_mb]=$(calc "%.0f" "$(sim_rss_kb) / 1024")
    write_config
    "$SYNC" migrate --config "$WORK/sync.yaml" >"$WORK/migrate-$n.log" 2>&1 || die "migrate failed; see $WORK/migrate-$n.log"
    if [[ ! -f $WORK/page.json ]]; then
        curl -sS --fail --compressed -u "$SIM_USER:$SIM_PASSWORD" -o "$WORK/page.json" \
            "$SIM_URL/parties?position=0&size=1000&orderBy=modified"
    fi

    say "curl reference ($n records)"
    curl_reference "$n" "$WORK"
    R[$n.curl_s]=$CURL_S
    R[$n.curl_pages]=$CURL_PAGES
    R[$n.curl_mb]=$CURL_MB
    R[$n.curl_connects]=$CURL_CONNECTS

    say "full sync ($n records)"
    measure_sync "$n" full
    rows=$(pg_sql -d crm -Atc "SELECT count(*) FROM intouch.parties")
    ((rows == n)) || die "full sync left $rows rows in intouch.parties, expected $n"

    if ((SQLITE)); then
        say "full sync into a SQLite file ($n records)"
        measure_sqlite_full "$n"
    fi

    say "COPY reference ($n records)"
    copy_reference "$WORK" intouch
    R[$n.copy_s]=$COPY_S
    R[$n.copy_pg_cpu]=$COPY_PG_CPU
    R[$n.copy_rows]=$COPY_ROWS
    R[$n.copy_child_rows]=$COPY_CHILD_ROWS
    R[$n.copy_history_rows]=$COPY_HISTORY_ROWS
    R[$n.copy_mb]=$COPY_MB
    R[$n.copy_steal]=$COPY_STEAL

    if ((PEER)); then
        say "peer script reference ($n records: requests + psycopg2)"
        peer_reference "$WORK"
        R[$n.peer_s]=$PEER_S
        R[$n.peer_cpu]=$PEER_CPU
        R[$n.peer_pg_cpu]=$PEER_PG_CPU
        R[$n.peer_rows]=$PEER_ROWS
    fi

    say "incremental sync after $edits edits (1%), at most 500 a second"
    spread_edits "$edits"
    R[$n.edits]=$edits
    sleep 3  # past settle_seconds (2): the run may commit every edit at once
    measure_sync "$n" incr

    say "incremental sync with nothing new"
    measure_sync "$n" noop

    say "incremental sync after $edits edits in one second (a bulk edit)"
    sim_control POST "/_sim/mutate?stream=parties&edits=$edits" >/dev/null
    sleep 3
    measure_sync "$n" bulk
    sim_stop "$SIM_PID"
}
