// Issue 16, item 4: deploy/grafana/intouch-sync.json queries only metrics the connector
// writes. The names are taken from metrics files that real runs wrote (a successful run and
// a failed one, which publishes the last failure), not from a list kept by hand.

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "OpsWorld.hpp"
#include "common/Json.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

// Metric families of a Prometheus text file (its samples' names).
std::set<std::string> familiesIn(const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.insert(line.substr(0, line.find_first_of("{ ")));
    return out;
}

// Every PromQL text of the dashboard: panel targets' expr and template variable queries.
void queriesIn(const json::Value& v, std::vector<std::string>& out) {
    if (v.isObject()) {
        for (const auto& [k, member] : v.members()) {
            if ((k == "expr" || k == "query" || k == "definition") && member.isString())
                out.push_back(member.asString());
            queriesIn(member, out);
        }
    } else if (v.isArray()) {
        for (const auto& item : v.items()) queriesIn(item, out);
    }
}

std::set<std::string> metricsUsedBy(const std::vector<std::string>& queries) {
    static const std::regex name("intouch_sync_[a-z0-9_]+");
    std::set<std::string> out;
    for (const auto& q : queries)
        for (auto it = std::sregex_iterator(q.begin(), q.end(), name); it != std::sregex_iterator();
             ++it)
            out.insert(it->str());
    return out;
}

TEST(Dashboard, QueriesOnlyMetricsTheConnectorWrites) {
    const fs::path path = fs::path(INTOUCH_SOURCE_DIR) / "deploy" / "grafana" / "intouch-sync.json";
    const json::Value dashboard = json::parse(ts::readFile(path));
    ASSERT_TRUE(dashboard.isObject());
    const json::Value* panels = dashboard.find("panels");
    ASSERT_TRUE(panels && panels->isArray() && !panels->items().empty());
    std::vector<std::string> queries;
    queriesIn(dashboard, queries);
    const std::set<std::string> used = metricsUsedBy(queries);

    OpsWorld w(WorldOptions().withRecords(50));
    w.migrate();
    const std::string ok = (w.dir() / "ok.prom").string(), bad = (w.dir() / "bad.prom").string();
    ASSERT_EQ(w.run({"sync", "--metrics-file", ok}).exitCode, 0);
    ASSERT_EQ(w.run({"sync", "--metrics-file", bad}, {{"OPS_PASSWORD", "wrong-password"}}).exitCode, 4);
    std::set<std::string> written = familiesIn(ts::readFile(ok));
    for (const auto& f : familiesIn(ts::readFile(bad))) written.insert(f);
    ASSERT_GT(written.size(), 10u);

    for (const auto& name : used)
        EXPECT_TRUE(written.count(name)) << path << " queries " << name
                                         << ", which no metrics file of a run holds";
    // What the dashboard is for: lag, records and rejects, duration, last success and
    // failure, retries by kind.
    for (const char* needed :
         {"intouch_sync_stream_lag_seconds", "intouch_sync_stream_records_upserted",
          "intouch_sync_stream_records_rejected", "intouch_sync_run_duration_seconds",
          "intouch_sync_stream_last_success_timestamp_seconds",
          "intouch_sync_stream_last_failure_timestamp_seconds", "intouch_sync_stream_retries",
          "intouch_sync_stream_rate_limited_retries"})
        EXPECT_TRUE(used.count(needed)) << "the dashboard shows no " << needed;
    // Every panel queries something.
    for (const auto& panel : panels->items()) {
        const json::Value* targets = panel.find("targets");
        EXPECT_TRUE(targets && targets->isArray() && !targets->items().empty())
            << panel.find("title")->asString();
    }
}

}  // namespace
}  // namespace intouch::opstest
