#!/usr/bin/env bash
# The shipped alerting rules (deploy/prometheus/alerts.yml): valid for Prometheus, each alert
# fires on the series that should raise it and not on the others (alerts.test.yml), and every
# metric they query is one the connector writes (named in connector/cli/RunMetrics.cpp).
set -euo pipefail
src=${1:?usage: prometheus_rules_test.sh SOURCE_DIR}
dir="$src/deploy/prometheus"
if ! command -v promtool >/dev/null; then
    echo "promtool not found: deploy/install-deps.sh installs it (package prometheus)" >&2
    exit 1
fi
promtool check rules "$dir/alerts.yml"
(cd "$dir" && promtool test rules alerts.test.yml)

unknown=0
for metric in $(grep -o 'intouch_sync_[a-z_]*' "$dir/alerts.yml" | sort -u); do
    if ! grep -q "\"$metric\"" "$src/connector/cli/RunMetrics.cpp"; then
        echo "alerts.yml queries $metric, which the connector does not write" >&2
        unknown=1
    fi
done
exit $unknown
