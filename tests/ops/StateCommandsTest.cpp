// `state show|reset|set` and `status`, run as an operator would, then checked by what
// the next sync does (records_seen) and by what the commands print.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

long lastSeen(const OpsWorld& w) {
    return w.scalarLong(
        "SELECT records_seen FROM intouch.sync_stream_runs WHERE stream = 'parties' "
        "ORDER BY run_id DESC LIMIT 1");
}

// The line of `stream` in a table printed by the CLI, split on whitespace.
std::vector<std::string> lineOf(const std::string& out, const std::string& stream) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string x; words >> x;) w.push_back(x);
        if (!w.empty() && w[0] == stream) return w;
    }
    return {};
}

TEST(StateCommands, ResetMakesTheNextSyncReadTheStreamFromTheStart) {
    OpsWorld w(WorldOptions().withRecords(200));
    w.migrate();
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    ASSERT_EQ(lastSeen(w), 0) << "a sync with nothing new should read nothing new";

    auto reset = w.run({"state", "reset", "--stream", "parties"});
    ASSERT_EQ(reset.exitCode, 0) << describe(reset);
    EXPECT_TRUE(contains(reset.stdoutText, "state reset parties (was ")) << reset.stdoutText;
    auto show = w.run({"state", "show"});
    ASSERT_EQ(show.exitCode, 0) << describe(show);
    EXPECT_TRUE(lineOf(show.stdoutText, "parties").empty()) << show.stdoutText;

    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(lastSeen(w), 200);
    EXPECT_EQ(differences(tableHashes(w, "parties"), sourceHashes(w, "parties")), "");
    auto runs = pg::queryRows(w.dsn(),
                              "SELECT command, array_to_string(streams, ','), outcome, "
                              "finished_at IS NOT NULL FROM intouch.sync_runs ORDER BY run_id");
    ASSERT_EQ(runs.size(), 4u);
    EXPECT_EQ(*runs[2][0], "state reset parties");
    EXPECT_EQ(*runs[2][1], "parties");
    EXPECT_EQ(*runs[2][2], "success");
    EXPECT_EQ(*runs[2][3], "t");
    // A state change is not a sync: it must not count as the stream's last success.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_stream_runs WHERE run_id = 3"), 0);
}

TEST(StateCommands, SetRewindsTheCheckpointToTheGivenTime) {
    OpsWorld w(WorldOptions().withRecords(200));
    w.migrate();
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    // The 60th most recent change, written with a +02:00 offset as a person would type it.
    const std::string ts = w.scalarText(
        "SELECT to_char(modified AT TIME ZONE 'Etc/GMT-2', 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        "'+02:00' "
        "FROM intouch.parties ORDER BY modified DESC OFFSET 59 LIMIT 1");
    const long expected =
        w.scalarLong("SELECT count(*) FROM intouch.parties WHERE modified >= '" + ts + "'");
    ASSERT_GE(expected, 60);

    auto set = w.run({"state", "set", "--stream", "parties", "--modified", ts});
    ASSERT_EQ(set.exitCode, 0) << describe(set);
    EXPECT_EQ(w.scalarText("SELECT cursor_modified = '" + ts +
                           "'::timestamptz FROM intouch.sync_state "
                           "WHERE stream = 'parties'"),
              "t");
    auto show = w.run({"state", "show"});
    auto line = lineOf(show.stdoutText, "parties");
    ASSERT_GE(line.size(), 4u) << show.stdoutText;
    EXPECT_EQ(line[1] + " " + line[2], w.scalarText("SELECT to_char('" + ts +
                                                    "'::timestamptz AT TIME ZONE 'UTC', "
                                                    "'YYYY-MM-DD HH24:MI:SS') || '+00'"));
    EXPECT_EQ(line[3], "partial") << "records at the instant itself must be read again";

    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(lastSeen(w), expected);
    EXPECT_EQ(
        w.scalarText("SELECT command || ' ' || outcome FROM intouch.sync_runs WHERE run_id = 2"),
        "state set parties --modified " + ts + " success");
}

TEST(StateCommands, RefuseWhatCannotBeMeant) {
    OpsWorld w(WorldOptions().withRecords(20));
    w.migrate();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"state", "set", "--stream", "parties", "--modified", "2024-06-01T00:00:00"},
         "is not an ISO 8601 time with offset"},
        {{"state", "set", "--stream", "parties", "--modified", "2024-02-30T00:00:00Z"},
         "is not an ISO 8601 time with offset"},
        {{"state", "set", "--stream", "parties", "--modified", "2024-02-30T00:00:00Z"},
         "(day 30 does not exist in month 2 (it has 29 days))"},
        {{"state", "set", "--stream", "parties", "--modified", "2024-06-01 00:00:00"},
         "(no UTC offset (add Z or one such as +01:00))"},
        {{"state", "set", "--stream", "parties", "--modified", "2999-01-01T00:00:00Z"},
         "is in the future"},
        {{"state", "set", "--stream", "members", "--modified", "2024-06-01T00:00:00Z"},
         "stream 'members' has no checkpoint to set"},
        {{"state", "set", "--stream", "parties"}, "`state set` needs --modified TS"},
        {{"state", "reset"}, "`state reset` needs --stream NAME"},
        {{"state", "reset", "--stream", "partys"}, "unknown stream 'partys'"},
        {{"state", "rewind"}, "unknown state command 'rewind'"},
    };
    for (const auto& c : cases) {
        auto p = w.run(c.args);
        EXPECT_EQ(p.exitCode, 2) << describe(p);
        EXPECT_TRUE(contains(p.stderrText, c.message)) << p.stderrText;
    }
    // Nothing refused was recorded as if it had happened.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs"), 0);
}

TEST(Status, ShowsLagLastSuccessAndLastFailurePerStream) {
    OpsWorld w(WorldOptions().withRecords(100));
    w.migrate();
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    auto status = w.run({"status"});
    ASSERT_EQ(status.exitCode, 0) << describe(status);
    auto line = lineOf(status.stdoutText, "parties");
    // stream, checkpoint date, time, lag (2 words), rows, last run, success date+time, failure
    ASSERT_EQ(line.size(), 10u) << status.stdoutText;
    EXPECT_EQ(
        line[1] + " " + line[2],
        w.scalarText("SELECT to_char(max(modified) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                     "FROM intouch.parties"));
    const long lagDays =
        w.scalarLong("SELECT extract(day FROM now() - max(modified))::int FROM intouch.parties");
    EXPECT_EQ(line[3], std::to_string(lagDays) + "d") << status.stdoutText;
    EXPECT_TRUE(std::regex_match(line[4], std::regex(R"(\d\dh)"))) << line[4];
    EXPECT_EQ(line[5], "100");
    EXPECT_EQ(line[6], "success");
    EXPECT_EQ(
        line[7] + " " + line[8],
        w.scalarText("SELECT to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                     "FROM intouch.sync_stream_runs"));
    EXPECT_EQ(line[9], "-");

    const std::string wrong = "N0t-The-Password-5a1t";
    ASSERT_EQ(w.run({"sync"}, {{"OPS_PASSWORD", wrong}}).exitCode, 4);
    status = w.run({"status"});
    ASSERT_EQ(status.exitCode, 0) << describe(status);
    line = lineOf(status.stdoutText, "parties");
    ASSERT_EQ(line.size(), 11u) << status.stdoutText;
    EXPECT_EQ(line[6], "failed");
    EXPECT_EQ(
        line[9] + " " + line[10],
        w.scalarText("SELECT to_char(max(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                     "FROM intouch.sync_stream_runs WHERE outcome = 'failed'"));
    // The error, so the on-call person knows what to fix; never the password.
    EXPECT_TRUE(contains(status.stdoutText, "parties: last run failed: ")) << status.stdoutText;
    EXPECT_TRUE(contains(status.stdoutText, "401")) << status.stdoutText;
    EXPECT_FALSE(contains(status.stdoutText, wrong));
}

}  // namespace
}  // namespace intouch::opstest
