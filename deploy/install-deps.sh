#!/usr/bin/env bash
# Installs every system package intouch-sync needs to build, test and deploy on Debian 12.
# This is the single source of truth for dependencies: CI, developer machines and fresh
# servers all run it, so a package missing here is a bug even if some machine "just has it".
#
# Safe to run repeatedly: when dpkg already reports every package installed it does not touch
# apt at all, which keeps CI re-runs fast and works offline.
set -euo pipefail

PACKAGES=(
    # toolchain
    build-essential g++ cmake make pkg-config git
    # TLS roots, fetching and cert tooling used by the connector and its tests
    ca-certificates curl openssl
    # zone data: InTouch timestamps are local time in the instance's zone (e.g. Europe/Prague)
    tzdata
    # libraries
    libpoco-dev libpqxx-dev libpq-dev libyaml-cpp-dev zlib1g-dev libssl-dev
    # the embedded SQLite target (target.sqlite): Poco Data's SQLite connector is in
    # libpoco-dev; the typed binds use libsqlite3; sqlite3 is the shell the demo points at
    libsqlite3-dev sqlite3
    # JSON parsing of the CRM's pages (numbers kept as their text: raw_json_token)
    libsimdjson-dev
    # command-line parsing (header-only)
    libcli11-dev
    # IANA time zones (Howard Hinnant's date/tz, libdate-tz reads the system tzdata above)
    libhowardhinnant-date-dev
    # test and benchmark frameworks
    libgtest-dev libgmock-dev googletest libbenchmark-dev
    # the tests start throwaway PostgreSQL servers from these binaries
    postgresql postgresql-contrib
    # test fixtures are small python scripts; bench/run.sh times a hand-written peer script
    # (requests + psycopg2) as the reference a user would otherwise write
    python3 python3-requests python3-psycopg2
    # systemd-analyze verifies the shipped unit files
    systemd
    # the Debian package: cpack -G DEB computes dependencies with dpkg-shlibdeps (dpkg-dev),
    # help2man writes the man page from --help, the package test unpacks with dpkg-deb
    dpkg-dev file help2man
    # fuzzing (tests/fuzz/run.sh): libFuzzer and the sanitizer runtimes come with clang 14
    clang libclang-rt-14-dev
    # promtool checks and unit-tests the shipped alerting rules (deploy/prometheus). Debian
    # packs it with the server only; on a host with systemd that also enables a Prometheus
    # service on :9090 (`systemctl disable --now prometheus` if you do not want one).
    prometheus
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    # `dpkg -s` succeeds for removed-but-configured packages too, so check the status word.
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "installed" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

# sudo resets the environment, so the frontend setting travels on the command line via env.
AS_ROOT=(env DEBIAN_FRONTEND=noninteractive)
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: must run as root (sudo is not available)" >&2
        exit 1
    fi
    AS_ROOT=(sudo "${AS_ROOT[@]}")
fi

echo "install-deps: installing ${missing[*]}"
"${AS_ROOT[@]}" apt-get update -qq
# Use-Pty=0 drops dpkg's progress bar, which floods CI logs.
"${AS_ROOT[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 \
    "${missing[@]}"

# Verify rather than trust apt's exit code: a package that silently did not configure would
# otherwise surface much later as a confusing build or test failure.
still_missing=()
for pkg in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
    echo "install-deps: still not installed after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
echo "install-deps: done"
