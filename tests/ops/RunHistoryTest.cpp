// The runs tables are what a warehouse alerts on with plain SQL: after a success, a
// failure and an interruption (GracefulStopTest) they must say what happened, with
// figures, and never with the password.
#include <gtest/gtest.h>

#include "OpsWorld.hpp"
#include "common/Json.hpp"

namespace intouch::opstest {
namespace {

TEST(RunHistory, SuccessRecordsTheRunAndEveryStreamWithFigures) {
    OpsWorld w(WorldOptions().withRecords(200).withPageSize(50).withStreams({"parties", "comm"}));
    w.migrate();
    auto p = w.run({"sync"});
    ASSERT_EQ(p.exitCode, 0) << describe(p);

    auto run = pg::queryRows(
        w.dsn(),
        "SELECT command, array_to_string(streams, ','), outcome, finished_at >= started_at, "
        "records_upserted, records_deleted, records_rejected, requests, retries, bytes > 0, "
        "error IS NULL FROM intouch.sync_runs");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(*run[0][0], "sync");
    EXPECT_EQ(*run[0][1], "parties,comm");
    EXPECT_EQ(*run[0][2], "success");
    EXPECT_EQ(*run[0][3], "t");
    EXPECT_EQ(*run[0][4], "400");
    EXPECT_EQ(*run[0][5], "0");
    EXPECT_EQ(*run[0][6], "0");
    EXPECT_EQ(*run[0][8], "0");
    EXPECT_EQ(*run[0][9], "t");
    EXPECT_EQ(*run[0][10], "t");
    // The run's requests are the streams' plus the /api/about check.
    EXPECT_EQ(std::stol(*run[0][7]),
              w.scalarLong("SELECT sum(requests) FROM intouch.sync_stream_runs") + 1);
    // /_sim/stats counts every /api request the simulator answered.
    std::int64_t served = -1;
    json::parse(w.sim().get("/_sim/stats").body).find("requests")->toInt64(served);
    EXPECT_EQ(std::stol(*run[0][7]), served);

    auto streams = pg::queryRows(w.dsn(),
                                 "SELECT stream, outcome, records_seen, records_upserted, "
                                 "finished_at IS NOT NULL, requests > 0 "
                                 "FROM intouch.sync_stream_runs ORDER BY stream");
    ASSERT_EQ(streams.size(), 2u);
    for (const auto& s : streams) {
        EXPECT_EQ(*s[1], "success") << *s[0];
        EXPECT_EQ(*s[2], "200") << *s[0];
        EXPECT_EQ(*s[3], "200") << *s[0];
        EXPECT_EQ(*s[4], "t") << *s[0];
        EXPECT_EQ(*s[5], "t") << *s[0];
    }
}

TEST(RunHistory, UnreachableCrmIsAFailedRunWithExitFive) {
    OpsWorld w;
    w.migrate();
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    w.sim().stop();

    auto p = w.run({"sync"});
    EXPECT_EQ(p.exitCode, 5) << describe(p);
    auto runs = pg::queryRows(w.dsn(),
                              "SELECT outcome, finished_at IS NOT NULL, coalesce(error, '') "
                              "FROM intouch.sync_runs ORDER BY run_id");
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(*runs[1][0], "failed");
    EXPECT_EQ(*runs[1][1], "t");
    EXPECT_TRUE(contains(*runs[1][2], "/api/about")) << *runs[1][2];
    // The previous success is still the stream's last success.
    EXPECT_EQ(
        w.scalarLong("SELECT count(*) FROM intouch.sync_stream_runs WHERE outcome = 'success'"), 1);
}

TEST(RunHistory, WrongPasswordIsAFailedRunWithExitFourAndNoPasswordAnywhere) {
    OpsWorld w(WorldOptions().withRecords(50));
    w.migrate();
    const std::string wrong = "Wr0ng-Secret-d41d8cd9";
    auto p = w.run({"sync"}, {{"OPS_PASSWORD", wrong}});
    EXPECT_EQ(p.exitCode, 4) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "401")) << p.stderrText;
    EXPECT_FALSE(contains(p.stderrText + p.stdoutText, wrong));

    auto run = pg::queryRows(w.dsn(), "SELECT outcome, coalesce(error, '') FROM intouch.sync_runs");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(*run[0][0], "failed");
    // The stored error says what failed and which setting to fix (wording is the source's).
    EXPECT_TRUE(contains(*run[0][1], "401")) << *run[0][1];
    EXPECT_TRUE(contains(*run[0][1], "source.password")) << *run[0][1];
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_stream_runs WHERE stream = 'parties'"),
              "failed");
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs WHERE strpos(error, '" + wrong +
                           "') > 0"),
              0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_stream_runs WHERE strpos(error, '" +
                           wrong + "') > 0"),
              0);
    // The json log format carries the same redaction.
    auto json = w.run({"sync", "--log-format", "json"}, {{"OPS_PASSWORD", wrong}});
    EXPECT_EQ(json.exitCode, 4);
    EXPECT_FALSE(contains(json.stderrText + json.stdoutText, wrong));
}

}  // namespace
}  // namespace intouch::opstest
