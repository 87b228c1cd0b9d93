# Shared helpers of bench/run.sh: messages, clean-up on exit, process CPU times.
# Sourced, not run.

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Clean-up actions run in reverse order on any exit, so that no PostgreSQL or
# simulator outlives the benchmark, whatever step failed.
BENCH_CLEANUPS=()
on_exit() { BENCH_CLEANUPS+=("$1"); }
run_cleanups() {
    local i
    for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${BENCH_CLEANUPS[$i]}" || true; done
    BENCH_CLEANUPS=()
}
trap run_cleanups EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root; as root its server and tools run as `postgres`.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bindir() {
    local d
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -x "$d/initdb" ]]; then echo "$d"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

CLK_TCK=$(getconf CLK_TCK)

# CPU ticks (user+system) a live process has used, its own threads included.
proc_ticks() {
    local pid=$1
    # Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
    [[ -r /proc/$pid/stat ]] || { echo 0; return; }
    sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'
}

# CPU ticks of a PostgreSQL server: the postmaster, its live children (checkpointer,
# walwriter, a backend still running...) and every child it has already reaped
# (backends of finished sessions land in the postmaster's cutime/cstime).
pg_ticks() {
    local postmaster=$1 total child
    total=$(sed 's/^.*) //' "/proc/$postmaster/stat" | awk '{ print $12 + $13 + $14 + $15 }')
    for child in $(pgrep -P "$postmaster"); do
        total=$((total + $(proc_ticks "$child")))
    done
    echo "$total"
}

# The machine's CPU ticks, all and stolen by the hypervisor: "total steal" from /proc/stat.
cpu_steal_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 11; i++) t += $i; print t, $9; exit }' /proc/stat; }
# Percent of the CPU time stolen between two cpu_steal_ticks readings ("total steal").
steal_percent() {
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
        d = y[1] - x[1]; printf "%.0f", (d > 0 ? 100 * (y[2] - x[2]) / d : 0) }'
}
ticks_to_s() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

# Floating-point helpers for the report.
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
now_s() { date +%s.%N; }
