// The request budget: with requests_per_second: 5, no two API requests arrive at the
// simulator closer than 200 ms (retries and reconnects included), never two at a time, and
// the waits show in the log.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "SourceWorld.hpp"

using namespace intouch::srctest;

namespace {

// The connector starts a request 200 ms after the previous one *ended*, and the simulator
// stamps a request's arrival before it answers, so the true gap between two stamps is at
// least 200 ms whatever the scheduling delays on either side. The tolerance only covers the
// stamps' rounding to whole milliseconds of the wall clock.
constexpr long long kToleranceMs = 1;

long long minGap(const std::vector<long long>& arrivals) {
    long long gap = 1LL << 40;
    for (std::size_t i = 1; i < arrivals.size(); ++i) gap = std::min(gap, arrivals[i] - arrivals[i - 1]);
    return gap;
}

}  // namespace

TEST(Throttle, RateIsNeverExceededAndOneRequestAtATime) {
    INTOUCH_REQUIRE_SIMULATOR();
    // Four server threads: parallel requests would be served, and counted, in parallel.
    SourceWorld world({"--records", "400", "--threads", "4"});
    // 500s and dropped connections at 30 % with a near-zero backoff: the retries would go
    // out at once if the throttle did not hold them back too.
    world.writeConfig({"page_size: 25", "requests_per_second: 5", "max_attempts: 12",
                       "initial_backoff_seconds: 0.001", "max_backoff_seconds: 0.002"});
    setKnobs(world.sim(), "fault_500=0.2&fault_drop=0.1");
    resetSimStats(world.sim());
    RunResult r = world.run({"sync", "--stream", "parties", "--log-level", "debug"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();

    const SimStats s = simStats(world.sim());
    std::string kinds;
    for (const auto& [k, n] : retriesByKind(r.stderrText)) kinds += k + ":" + std::to_string(n) + " ";
    const long long gap = minGap(s.arrivalsMs);
    const double span = static_cast<double>(s.arrivalsMs.back() - s.arrivalsMs.front()) / 1000.0;
    std::cout << "[throttle 5/s] " << s.arrivalsMs.size() << " requests over " << span
              << " s; smallest gap between arrivals " << gap << " ms (limit 200 ms - " << kToleranceMs
              << " ms tolerance); max_in_flight " << s.maxInFlight << "; retries by kind: "
              << kinds << "; throttle wait "
              << summaryField(r.stderrText, "throttle_wait_s").value_or(-1) << " s" << std::endl;
    ASSERT_GE(s.arrivalsMs.size(), 18u);
    std::string gaps;
    for (std::size_t i = 1; i < s.arrivalsMs.size(); ++i)
        gaps += std::to_string(s.arrivalsMs[i] - s.arrivalsMs[i - 1]) + " ";
    EXPECT_GE(gap, 200 - kToleranceMs) << "more than 5 requests per second; gaps (ms): " << gaps
                                       << "\n" << r.describe();
    EXPECT_EQ(s.maxInFlight, 1);
    EXPECT_FALSE(retriesByKind(r.stderrText).empty()) << "the faults should have caused retries";
    EXPECT_NE(r.stderrText.find("throttle: waited before the next request"), std::string::npos)
        << "the throttle's waits must be visible in the log";
    EXPECT_GT(summaryField(r.stderrText, "throttle_wait_s").value_or(0), 0.5);
}
