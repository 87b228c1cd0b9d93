# --profile of bench/run.sh: where one full sync at N spends its time. Sourced.
#  * the connector's CPU by function: perf record (cpu-clock, DWARF call graphs),
#    reported as inclusive shares of a few entry points (parse, map, write...);
#  * PostgreSQL's time by statement: pg_stat_statements over the same run.
# Both need a second run: a profiled run is slower and must not be the one measured.

profile_full_sync() {
    local n=$1 data="$WORK/perf.data"
    command -v perf >/dev/null || { say "perf not found; skipping --profile"; return 0; }
    say "profile: full sync of $n records under perf and pg_stat_statements"
    pg_stop
    pg_launch -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all
    pg_fresh_db
    sim_start "$SIM" "$n" "$WORK/sim-profile.log"
    write_config
    "$SYNC" migrate --config "$WORK/sync.yaml" >/dev/null 2>&1 || die "migrate failed (profile)"
    pg_sql -d crm -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" \
        -c CHECKPOINT >/dev/null
    perf record -e cpu-clock -F 499 --call-graph dwarf,16384 -o "$data" -- \
        "$SYNC" sync --config "$WORK/sync.yaml" --stream parties >/dev/null 2>"$WORK/sync-profile.log" \
        || die "profiled sync failed; see $WORK/sync-profile.log"
    sim_stop "$SIM_PID"
    perf report -i "$data" --children --sort symbol --stdio -g none --percent-limit 0.5 \
        2>/dev/null >"$WORK/perf-children.txt" || true
    perf report -i "$data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.7 \
        2>/dev/null >"$WORK/perf-self.txt" || true
    pg_sql -d crm -Atc "SELECT round(total_exec_time::numeric / 1000, 2) AS s, calls, rows,
                               left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
                          FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12" \
        -F ' | ' >"$WORK/pg-statements.txt"
    PROFILE_DONE=1
}

# Inclusive share (percent of the connector's samples) of the first symbol matching a pattern.
perf_share() {
    awk -v pat="$1" '$0 ~ pat && $1 ~ /%$/ { sub("%", "", $1); print $1; exit }' "$WORK/perf-children.txt"
}
