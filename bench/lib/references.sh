# The two physical limits the connector is compared with (bench/run.sh). Sourced.

# The page positions a full sync of `total` records requests: 1000 records per
# page, each page after the first overlapping the previous one by one record
# (docs/incremental-sync.md, "Overlap"); the last page reaches the end.
page_positions() {
    local total=$1 size=$2 p=0
    while true; do
        echo "$p"
        ((p + size >= total)) && break
        p=$((p + size - 1))
    done
}

# Read-side limit: the same pages fetched by one curl process, one after the other
# over one kept-alive connection, gzip like the connector. Sets CURL_* figures.
curl_reference() {
    local total=$1 work=$2 cfg="$2/curl.cfg" out="$2/curl.out" p
    {
        echo "user = \"$SIM_USER:$SIM_PASSWORD\""
        echo "compressed"
        echo "silent"
        echo "show-error"
        echo "write-out = \"%{http_code} %{size_download} %{num_connects}\\n\""
        for p in $(page_positions "$total" 1000); do
            echo "url = \"$SIM_URL/parties?position=$p&size=1000&orderBy=modified\""
            echo "output = \"/dev/null\""
        done
    } >"$cfg"
    "$MEASURE" "$work/curl.rusage" -- curl --config "$cfg" >"$out" || die "curl reference failed"
    # shellcheck disable=SC1090
    source "$work/curl.rusage"
    CURL_S=$wall_s
    CURL_PAGES=$(wc -l <"$out")
    CURL_BAD=$(awk '$1 != 200' "$out" | wc -l)
    CURL_CONNECTS=$(awk '{ s += $3 } END { print s }' "$out")
    CURL_MB=$(awk '{ s += $2 } END { printf "%.1f", s / 1e6 }' "$out")
    ((CURL_BAD == 0)) || die "curl reference: $CURL_BAD answers were not 200 (see $out)"
}

# Write-side limit: every row the connector wrote for the stream, dumped to files and
# loaded with COPY into empty tables of the same shape, in one transaction: the table
# (parties), its child table (parties_contacts) and, when the mapping keeps history
# (`history: true`), their version tables (parties_history, parties_contacts_history), which
# the connector fills with a second copy of every row. LIKE ... INCLUDING ALL gives the same
# columns, defaults, primary keys and indexes (the version tables' partial unique "open
# version" index and (key, valid_from) index included); the children's foreign key to their
# parent is re-created, since the connector pays for its checks too. psql's \copy streams
# each file through the client connection, as the connector streams its pages. Sets COPY_*
# figures (COPY_HISTORY_ROWS: the version rows, 0 without history).
copy_reference() {
    local work=$1 schema=$2 before after t
    local tables=(parties parties_contacts)
    if [[ $(pg_sql -d crm -Atc "SELECT to_regclass('$schema.parties_history') IS NOT NULL") == t ]]; then
        tables+=(parties_history parties_contacts_history)
    fi
    {
        echo "DROP SCHEMA IF EXISTS bench_ref CASCADE;"
        echo "CREATE SCHEMA bench_ref;"
        for t in "${tables[@]}"; do
            echo "CREATE TABLE bench_ref.$t (LIKE $schema.$t INCLUDING ALL);"
            echo "COPY $schema.$t TO '$PG_DIR/ref_$t.copy';"
        done
        cat <<SQL
DO \$\$
DECLARE def text;
BEGIN
    FOR def IN SELECT pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = '$schema.parties_contacts'::regclass AND contype = 'f' LOOP
        EXECUTE 'ALTER TABLE bench_ref.parties_contacts ADD '
                || replace(def, 'REFERENCES $schema.parties(', 'REFERENCES bench_ref.parties(');
    END LOOP;
END \$\$;
SQL
    } | pg_sql -d crm >/dev/null
    COPY_ROWS=$(pg_sql -d crm -Atc "SELECT count(*) FROM $schema.parties")
    COPY_CHILD_ROWS=$(pg_sql -d crm -Atc "SELECT count(*) FROM $schema.parties_contacts")
    COPY_HISTORY_ROWS=0
    if ((${#tables[@]} > 2)); then
        COPY_HISTORY_ROWS=$(pg_sql -d crm -Atc "SELECT (SELECT count(*) FROM $schema.parties_history)
                                                     + (SELECT count(*) FROM $schema.parties_contacts_history)")
    fi
    local files=() copies=()
    for t in "${tables[@]}"; do
        files+=("$PG_DIR/ref_$t.copy")
        copies+=(-c "\\copy bench_ref.$t FROM '$PG_DIR/ref_$t.copy'")
    done
    COPY_MB=$(du -cm "${files[@]}" | tail -n 1 | cut -f1)
    pg_settle
    sleep 0.3
    before=$(pg_ticks "$PG_PID")
    local steal0
    steal0=$(cpu_steal_ticks)
    "$MEASURE" "$work/copy.rusage" -- psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d crm -1 \
        "${copies[@]}" || die "COPY reference failed"
    sleep 0.3
    after=$(pg_ticks "$PG_PID")
    # shellcheck disable=SC1090
    source "$work/copy.rusage"
    COPY_S=$wall_s
    COPY_PG_CPU=$(ticks_to_s $((after - before)))
    COPY_STEAL=$(steal_percent "$steal0" "$(cpu_steal_ticks)")
    pg_sql -d crm -c "DROP SCHEMA bench_ref CASCADE" >/dev/null
    rm -f "${files[@]}"
}

# The peer a user would otherwise write (bench/tools/peer_sync.py: requests + psycopg2
# execute_values, a commit per page, no overlap or tie handling), into its own schema of the
# same database, with its wall time and the CPU PostgreSQL spent meanwhile. Debian's python3
# (/usr/bin), which has the packaged modules; a python3 first on PATH may not. Sets PEER_*.
peer_reference() {
    local work=$1 before after out="$1/peer.out"
    pg_sql -d crm -c "DROP SCHEMA IF EXISTS peer CASCADE" >/dev/null
    pg_settle
    before=$(pg_ticks "$PG_PID")
    "$MEASURE" "$work/peer.rusage" -- /usr/bin/python3 "$BENCH/tools/peer_sync.py" \
        "$SIM_URL" "$SIM_USER" "$SIM_PASSWORD" "$PG_DSN" >"$out" 2>"$work/peer.err" \
        || die "peer script failed; see $work/peer.err"
    sleep 0.3
    after=$(pg_ticks "$PG_PID")
    # shellcheck disable=SC1090
    source "$work/peer.rusage"
    PEER_S=$wall_s
    PEER_CPU=$(calc "%.2f" "$user_s + $sys_s")
    PEER_PG_CPU=$(ticks_to_s $((after - before)))
    PEER_ROWS=$(tail -n 1 "$out")
    pg_sql -d crm -c "DROP SCHEMA peer CASCADE" >/dev/null
}
