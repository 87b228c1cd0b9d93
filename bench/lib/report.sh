# The printed summary of bench/run.sh: every figure comes from R[...] (measure.sh),
# the micro-benchmark CSV and the profile files. Sourced.

fmt_rate() { [[ ${2:-0} == 0 ]] && echo "-" || calc "%.0f" "$1 / $2"; }
fmt_per100k() { [[ ${2:-0} == 0 ]] && echo "-" || calc "%.2f" "$1 * 100000 / $2"; }
ratio() { calc "%.2f" "$1 / $2"; }
max2() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

print_run_row() {
    local n=$1 label=$2 title=$3 records=$4
    printf '  %-30s %8s %9s %10s %11s %12s %9s %10s\n' "$title" "${R[$n.$label.wall]}" "$records" \
        "$(fmt_rate "$records" "${R[$n.$label.wall]}")" "$(fmt_per100k "${R[$n.$label.cpu]}" "$records")" \
        "${R[$n.$label.rss_mb]}" "${R[$n.$label.pg_cpu]}" "${R[$n.$label.sim_cpu]}"
}

print_size() {
    local n=$1 full limit
    full=${R[$n.full.wall]}
    limit=$(max2 "${R[$n.copy_s]}" "${R[$n.curl_s]}")
    echo
    echo "N = $n parties   (simulator: started in ${R[$n.sim_start_s]} s, RSS ${R[$n.sim_rss_mb]} MB)"
    printf '  %-30s %8s %9s %10s %11s %12s %9s %10s\n' "run" "wall s" "records" "records/s" \
        "CPU s/100k" "peak RSS MB" "PG CPU s" "sim CPU s"
    print_run_row "$n" full "full sync" "${R[$n.full.seen]}"
    ((SQLITE)) && print_run_row "$n" sqlite "full sync into SQLite" "${R[$n.sqlite.seen]}"
    print_run_row "$n" incr "incremental, 1% edited" "${R[$n.incr.written]}"
    print_run_row "$n" noop "incremental, nothing new" "${R[$n.noop.written]}"
    print_run_row "$n" bulk "incremental, 1% bulk edit" "${R[$n.bulk.written]}"
    printf '  %-30s %8s %9s %10s %11s %12s %9s\n' "reference: COPY (1 tx)" "${R[$n.copy_s]}" \
        "${R[$n.copy_rows]}" "$(fmt_rate "${R[$n.copy_rows]}" "${R[$n.copy_s]}")" "" "" "${R[$n.copy_pg_cpu]}"
    printf '  %-30s %8s %9s %10s\n' "reference: curl (1 conn)" "${R[$n.curl_s]}" "$n" \
        "$(fmt_rate "$n" "${R[$n.curl_s]}")"
    ((PEER)) && printf '  %-30s %8s %9s %10s %11s %12s %9s\n' "peer: python requests+psycopg2" "${R[$n.peer_s]}" \
        "${R[$n.peer_rows]}" "$(fmt_rate "${R[$n.peer_rows]}" "${R[$n.peer_s]}")" \
        "$(fmt_per100k "${R[$n.peer_cpu]}" "${R[$n.peer_rows]}")" "" "${R[$n.peer_pg_cpu]}"
    echo "  full sync: ${R[$n.full.requests]} requests; CPU user ${R[$n.full.user]} s + sys ${R[$n.full.sys]} s;" \
        "per 100k records: connector $(fmt_per100k "${R[$n.full.cpu]}" "${R[$n.full.seen]}") s CPU," \
        "PostgreSQL $(fmt_per100k "${R[$n.full.pg_cpu]}" "${R[$n.full.seen]}") s CPU"
    ((SQLITE)) && echo "  SQLite: full sync ${R[$n.sqlite.wall]} s vs PostgreSQL ${R[$n.full.wall]} s; file ${R[$n.sqlite.file_mb]} MB"
    echo "  requests: full ${R[$n.full.requests]}, 1% edited ${R[$n.incr.requests]}, nothing new ${R[$n.noop.requests]}, bulk ${R[$n.bulk.requests]}"
    ((PEER)) && echo "  peer script / full sync = $(ratio "${R[$n.peer_s]}" "$full")   (goal: >= 3)"
    echo "  COPY: ${R[$n.copy_rows]} parties + ${R[$n.copy_child_rows]} contacts + ${R[$n.copy_history_rows]} version rows," \
        "${R[$n.copy_mb]} MB of COPY text; PostgreSQL CPU, full sync / COPY = $(ratio "${R[$n.full.pg_cpu]}" "${R[$n.copy_pg_cpu]}")"
    echo "  CPU stolen by the hypervisor (/proc/stat steal): full sync ${R[$n.full.steal]}%," \
        "COPY ${R[$n.copy_steal]}%, 1% edited ${R[$n.incr.steal]}% (a ratio measured under steal is noise)"
    echo "  autovacuum/autoanalyze runs during: full ${R[$n.full.autovac]}, 1% edited ${R[$n.incr.autovac]}," \
        "nothing new ${R[$n.noop.autovac]}, bulk ${R[$n.bulk.autovac]} (their CPU is in that run's PostgreSQL CPU)"
    echo "  curl: ${R[$n.curl_pages]} pages, ${R[$n.curl_mb]} MB gzip, ${R[$n.curl_connects]} connection(s)"
    echo "  full sync / COPY = $(ratio "$full" "${R[$n.copy_s]}")   full sync / curl = $(ratio "$full" "${R[$n.curl_s]}")" \
        "  full sync / max(COPY, curl) = $(ratio "$full" "$limit")   (goal: <= 1.3)"
    echo "  incremental 1% / full = $(ratio "${R[$n.incr.wall]}" "$full")   nothing new / full = $(ratio "${R[$n.noop.wall]}" "$full")" \
        "  1% bulk edit / full = $(ratio "${R[$n.bulk.wall]}" "$full") (${R[$n.bulk.requests]} requests$( ((R[$n.edits] > 1000)) && echo ": tie group > page, read in id order"))"
    echo "  1% edited = ${R[$n.edits]} edits, at most 500 per second; bulk = ${R[$n.edits]} edits stamped with one second"
}

print_micro() {
    [[ -f $WORK/micro.csv ]] || return 0
    local n=${SIZES[0]} pages cpu
    pages=${R[$n.full.requests]}
    cpu=${R[$n.full.cpu]}
    echo
    echo "Micro-benchmarks: one 1000-record page ($(stat -c %s "$WORK/page.json") bytes), CPU ms per page;"
    echo "share = ms x ${pages} requests of the full sync at N / its ${cpu} CPU s"
    # Google Benchmark CSV: name,iterations,real_time,cpu_time,time_unit,...
    awk -F, -v pages="$pages" -v cpu="$cpu" '
        $1 ~ /^"BM_/ { gsub(/"/, "", $1);
                       if ($1 == "BM_PocoParsePage") {  # a comparison: the connector does not run it
                           printf "  %-26s %8.2f ms   (Poco::JSON, not used by the connector)\n", $1, $4; next }
                       printf "  %-26s %8.2f ms   %5.1f %% of connector CPU\n", $1, $4, 100 * $4 * pages / 1000 / cpu }' \
        "$WORK/micro.csv"
}

print_profile() {
    [[ ${PROFILE_DONE:-0} == 1 ]] || return 0
    echo
    echo "Profile of one full sync at N=${SIZES[0]} (perf, cpu-clock, inclusive share of the connector's on-CPU samples, both threads):"
    local name pat share
    while IFS='|' read -r name pat; do
        share=$(perf_share "$pat")
        printf '  %-48s %6s %%\n' "$name" "${share:--}"
    done <<'TABLE'
fetch thread: read a page (ListReader::read)|intouch::ListReader::read 
  HTTP receive (HttpTransport::get)|intouch::HttpTransport::get 
    gzip inflate (Poco InflatingStreamBuf)|Poco::InflatingStreamBuf::readFromDevice 
  JSON parse (json::parse)|intouch::json::parse 
  map records (mapItems)|intouch::mapItems 
    RecordMapper::map|intouch::RecordMapper::map 
      hash input (json::Value::toJson)|intouch::json::Value::toJson
      MD5 (Poco::MD5Engine)|Poco::MD5Engine::updateImpl 
      extra jsonb (ExtraFields)|intouch::ExtraFields::consume 
  free the parsed page (json::Value::~Value)|intouch::Page::~Page 
fetch thread: page batch copy (IncrementalSync::commit)|intouch::IncrementalSync::commit 
writer thread (AsyncPageWriter::loop)|intouch::AsyncPageWriter::loop 
  PostgresWriter: one transaction (transact)|intouch::PostgresWriter::transact 
    COPY rows: format + send (copyRows)|intouch::PostgresWriter::copyRows 
TABLE
    echo "  top self-time symbols:"
    # perf pads its columns to the widest symbol; keep share, object and symbol.
    # (awk, not head, stops the list: head would end the pipe early and
    # pipefail would turn grep's SIGPIPE into a failed benchmark.)
    grep -E '^ +[0-9.]+%' "$WORK/perf-self.txt" |
        awk 'NR <= 15 { sym = $0; sub(/^.*\[[.k]\] /, "", sym); sub(/[ -]+$/, "", sym);
               printf "    %7s  %-24s %s\n", $1, $2, substr(sym, 1, 90) }'
    echo
    echo "PostgreSQL time by statement during that sync (pg_stat_statements: seconds | calls | rows | statement):"
    sed 's/^/  /' "$WORK/pg-statements.txt"
}

print_report() {
    echo
    echo "intouch-sync benchmark: parties stream, page size 1000, orderBy=modified"
    echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
        "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM;" \
        "$("$PG_BIN/postgres" --version | awk '{ print "PostgreSQL " $3 }'), fsync=$BENCH_FSYNC, history=$HISTORY"
    echo "command: bench/run.sh ${BENCH_ARGS:-}"
    local n
    for n in "${SIZES[@]}"; do print_size "$n"; done
    if ((${#SIZES[@]} > 1)); then
        local a=${SIZES[0]} b=${SIZES[1]}
        echo
        echo "Peak RSS of the connector: full sync ${R[$a.full.rss_mb]} MB at N=$a, ${R[$b.full.rss_mb]} MB at $b" \
            "(x$(ratio "${R[$b.full.rss_mb]}" "${R[$a.full.rss_mb]}")); incremental ${R[$a.incr.rss_mb]} / ${R[$b.incr.rss_mb]} MB"
    fi
    print_micro
    print_profile
}
