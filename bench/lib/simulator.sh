# The simulated CRM for bench/run.sh: intouch-sim with every response rendered in
# advance (--precompute), so the server is not what is measured. Sourced, not run.

SIM_USER=api
SIM_PASSWORD=secret

# sim_start BIN RECORDS LOGFILE: sets SIM_PID and SIM_URL (".../api").
sim_start() {
    local bin=$1 records=$2 log=$3 waited=0
    "$bin" --port 0 --records "$records" --precompute --user "$SIM_USER" --password "$SIM_PASSWORD" \
        >"$log" 2>&1 &
    SIM_PID=$!
    on_exit "sim_stop $SIM_PID"
    # Generating 1M records takes a while; the start-up line says when it listens.
    until grep -q 'listening on' "$log" 2>/dev/null; do
        kill -0 "$SIM_PID" 2>/dev/null || die "the simulator exited; see $log"
        sleep 0.2
        waited=$((waited + 1))
        ((waited < 6000)) || die "the simulator did not start within 20 minutes; see $log"
    done
    SIM_URL=$(grep -o 'http://[^ ]*' "$log" | head -n 1)
}

sim_stop() {
    local pid=${1:-${SIM_PID:-}}
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Control API (no authentication): sim_control METHOD PATH_AND_QUERY
sim_control() {
    local root=${SIM_URL%/api}
    curl -sS --fail -X "$1" "$root$2"
}

# Resident memory of the simulator in kB (it holds every record in memory).
sim_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SIM_PID/status"; }
