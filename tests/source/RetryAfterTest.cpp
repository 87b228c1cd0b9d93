// 429 and 503 with Retry-After, in both forms the simulator can send (delta seconds and an
// HTTP date). Every API request is refused, so every gap between two request arrivals (as
// the simulator recorded them) follows an answer that asked for a wait; each gap is checked
// against the Retry-After value the connector logged for that answer: never shorter.

#include <gtest/gtest.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <iostream>
#include <regex>

#include "SourceWorld.hpp"

using namespace intouch::srctest;

namespace {

// The Retry-After values of the "request failed, retrying" lines, in order.
std::vector<std::string> loggedRetryAfters(const std::string& log) {
    static const std::regex field(R"re(request failed, retrying.* retry_after=(?:"([^"]*)"|(\S+)))re");
    std::vector<std::string> out;
    std::istringstream in(log);
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_search(line, m, field)) out.push_back(m[1].matched ? m[1].str() : m[2].str());
    return out;
}

long long httpDateMs(const std::string& text) {
    int tzd = 0;
    Poco::DateTime t = Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, text, tzd);
    return t.timestamp().epochMicroseconds() / 1000 - static_cast<long long>(tzd) * 1000;
}

struct Case {
    int status;
    bool httpDate;
    int seconds;
};

void PrintTo(const Case& c, std::ostream* o) {
    *o << c.status << (c.httpDate ? " with an HTTP date " : " with seconds ") << c.seconds << " s";
}

class RetryAfter : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(RetryAfter, WaitsAreNeverShorterThanAsked) {
    INTOUCH_REQUIRE_SIMULATOR();
    const Case c = GetParam();
    SourceWorld world({"--records", "10"});
    // A tiny backoff: the waits measured are the server's, not the jitter's.
    world.writeConfig({"requests_per_second: 1000", "max_attempts: 3", "initial_backoff_seconds: 0.01",
                       "max_backoff_seconds: 0.02", "max_retry_wait_seconds: 60"});
    setKnobs(world.sim(), "fault_" + std::to_string(c.status) + "=1&retry_after=" + std::to_string(c.seconds) +
                              "&retry_after_http_date=" + (c.httpDate ? "1" : "0"));
    RunResult r = world.run({"check"});
    EXPECT_EQ(r.exitCode, 5) << r.describe();
    EXPECT_NE(r.stderrText.find("HTTP " + std::to_string(c.status)), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("gave up after 3 attempts"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("/api/about"), std::string::npos) << "the failure names the request";

    const SimStats s = simStats(world.sim());
    const auto asked = loggedRetryAfters(r.stderrText);
    ASSERT_EQ(s.arrivalsMs.size(), 3u) << r.describe();
    ASSERT_EQ(asked.size(), 2u) << r.describe();
    for (std::size_t i = 0; i + 1 < s.arrivalsMs.size(); ++i) {
        const long long gap = s.arrivalsMs[i + 1] - s.arrivalsMs[i];
        if (c.httpDate) {
            const long long until = httpDateMs(asked[i]);
            std::cout << "[Retry-After " << c.status << " date] asked until " << asked[i] << " = "
                      << (until - s.arrivalsMs[i]) << " ms after the refused request arrived; next "
                      << "request arrived after " << gap << " ms (" << (s.arrivalsMs[i + 1] - until)
                      << " ms later than asked)" << std::endl;
            EXPECT_GE(s.arrivalsMs[i + 1], until) << "retried before " << asked[i];
            // The date has whole seconds: at most one second less than the nominal delay.
            EXPECT_GT(gap, (c.seconds - 1) * 1000LL);
        } else {
            EXPECT_EQ(asked[i], std::to_string(c.seconds));
            std::cout << "[Retry-After " << c.status << " seconds] asked " << c.seconds * 1000
                      << " ms; next request arrived after " << gap << " ms" << std::endl;
            EXPECT_GE(gap, c.seconds * 1000LL) << "retried faster than Retry-After: " << asked[i];
        }
        EXPECT_LT(gap, (c.seconds + 1) * 1000LL + 500) << "waited far longer than asked";
    }
    EXPECT_GE(summaryField(r.stderrText, "retry_after_wait_s").value_or(0), c.httpDate ? 0.0 : 2.0 * c.seconds);
}

INSTANTIATE_TEST_SUITE_P(BothFormsBothStatuses, RetryAfter,
                         ::testing::Values(Case{429, false, 1}, Case{429, true, 2}, Case{503, false, 1},
                                           Case{503, true, 2}),
                         [](const auto& info) {
                             return std::to_string(info.param.status) +
                                    (info.param.httpDate ? "HttpDate" : "Seconds");
                         });

TEST(RetryAfterBudget, AWaitBeyondTheBudgetFailsAtOnceSayingSo) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world({"--records", "10"});
    world.writeConfig({"requests_per_second: 1000", "max_retry_wait_seconds: 5"});
    setKnobs(world.sim(), "fault_429=1&retry_after=100");
    RunResult r = world.run({"check"});
    std::cout << r.describe() << std::endl;
    EXPECT_EQ(r.exitCode, 5) << r.describe();
    EXPECT_NE(r.stderrText.find("Retry-After: 100"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("would exceed source.max_retry_wait_seconds"), std::string::npos)
        << r.describe();
    EXPECT_LT(r.seconds, 10.0);
    EXPECT_EQ(simStats(world.sim()).requests, 1);
}
