// A sync survives each fault the simulator can inject, at a high rate (30 % of all API
// requests): it completes (exit 0), the tables equal the simulator's data exactly (every
// id, and every record's hash of its JSON as served), and the run's summary line counts
// the retries of the matching kind.

#include <gtest/gtest.h>

#include <iostream>

#include "SourceWorld.hpp"

using namespace intouch::srctest;

namespace {

struct FaultCase {
    std::string name;       // test name suffix
    std::string knobs;      // POST /_sim/config query
    std::string simFault;   // key in /_sim/stats faults ("" = several)
    std::string retryKind;  // key in the connector's retries_by_kind ("" = any)
};

std::ostream& operator<<(std::ostream& o, const FaultCase& c) { return o << c.name; }

const std::vector<FaultCase>& cases() {
    static const std::vector<FaultCase> c = {
        {"Status429", "fault_429=0.3&retry_after=0", "429", "429"},
        {"Status500", "fault_500=0.3", "500", "5xx"},
        {"Status503", "fault_503=0.3&retry_after=0", "503", "503"},
        {"Slow", "fault_slow=0.3&slow_ms=1500", "slow", "timeout"},
        {"DroppedConnection", "fault_drop=0.3", "drop", "network"},
        {"TruncatedJson", "fault_truncate=0.3", "truncate", "malformed"},
        {"HtmlErrorPage", "fault_html=0.3", "html", "5xx"},
        {"EmptyBadGateway", "fault_empty=0.3", "empty", "5xx"},
        {"EverythingAtOnce",
         "fault_429=0.06&fault_500=0.06&fault_503=0.06&fault_slow=0.06&slow_ms=1500&fault_drop=0.06&"
         "fault_truncate=0.06&fault_html=0.06&fault_empty=0.06&retry_after=0",
         "", ""},
    };
    return c;
}

class Faults : public ::testing::TestWithParam<FaultCase> {};

}  // namespace

TEST_P(Faults, SyncCompletesAndTablesEqualTheSource) {
    INTOUCH_REQUIRE_SIMULATOR();
    const FaultCase& fc = GetParam();
    SourceWorld world({"--records", "400", "--seed", "7"});
    world.writeConfig({"page_size: 50", "requests_per_second: 1000", "max_attempts: 12",
                       "initial_backoff_seconds: 0.02", "max_backoff_seconds: 0.2",
                       // shorter than slow_ms: a slow answer is a timeout, then a retry
                       "read_timeout_seconds: 0.3", "request_timeout_seconds: 10"});
    setKnobs(world.sim(), fc.knobs);

    RunResult r = world.run({"sync", "--stream", "parties", "--stream", "comm"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();

    setKnobs(world.sim(), "fault_429=0&fault_500=0&fault_503=0&fault_slow=0&fault_drop=0&"
                          "fault_truncate=0&fault_html=0&fault_empty=0");
    for (const std::string stream : {"parties", "comm"}) {
        auto source = dumpHashes(world.sim(), stream);
        auto table = tableHashes(world.dsn(), stream);
        EXPECT_EQ(source.size(), 400u) << stream;
        EXPECT_EQ(table, source) << stream << ": the table differs from the CRM";
    }

    const SimStats s = simStats(world.sim());
    const auto kinds = retriesByKind(r.stderrText);
    std::string faults, byKind;
    for (const auto& [k, n] : s.faults) faults += k + ":" + std::to_string(n) + " ";
    for (const auto& [k, n] : kinds) byKind += k + ":" + std::to_string(n) + " ";
    std::cout << "[fault " << fc.name << "] " << s.requests << " requests in " << r.seconds
              << " s; simulator faults: " << faults << "; connector retries by kind: " << byKind
              << "; reconnects: " << summaryField(r.stderrText, "reconnects").value_or(-1)
              << "; connections: " << summaryField(r.stderrText, "connections").value_or(-1)
              << std::endl;

    ASSERT_FALSE(kinds.empty()) << "no retries reported\n" << r.describe();
    if (!fc.simFault.empty()) {
        EXPECT_GT(s.faults.count(fc.simFault) ? s.faults.at(fc.simFault) : 0, 0)
            << "the fault never fired";
        EXPECT_GT(kinds.count(fc.retryKind) ? kinds.at(fc.retryKind) : 0, 0)
            << "no retries of kind " << fc.retryKind << "\n" << r.describe();
    }
    long long retried = 0;
    for (const auto& [k, n] : kinds) retried += n;
    EXPECT_EQ(summaryField(r.stderrText, "retries").value_or(-1), static_cast<double>(retried));
}

INSTANTIATE_TEST_SUITE_P(EachFault, Faults, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });
