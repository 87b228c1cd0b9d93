// Answers that must not be retried: 400/404 with the documented error JSON fail at once
// with every problem shown, 401 fails at once telling which API user to check, 403 fails
// the one stream the user may not read while the others are synced, and the password never
// shows up in any output, not even with --log-level debug.

#include <gtest/gtest.h>

#include <Poco/Base64Encoder.h>

#include <iostream>
#include <sstream>

#include "SourceWorld.hpp"
#include "common/Errors.hpp"
#include "source/ApiClient.hpp"
#include "support/PgQuery.hpp"

using namespace intouch;
using namespace intouch::srctest;

namespace {

SourceConfig configFor(const ts::SimulatorProcess& sim) {
    SourceConfig c;
    c.url = sim.baseUrl();
    c.username = "api";
    c.password = "secret";
    c.maxRequestsPerSecond = 1000;
    c.initialBackoffSeconds = 0.01;
    return c;
}

std::string base64(const std::string& s) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << s;
    enc.close();
    return out.str();
}

// The SourceError message of a request that must fail.
std::string failureOf(ApiClient& client, const std::string& relative) {
    try {
        client.getJson(relative);
    } catch (const SourceError& e) {
        return e.what();
    }
    ADD_FAILURE() << "GET " << relative << " did not fail";
    return "";
}

}  // namespace

TEST(HttpErrors, BadRequestFailsAtOnceShowingLevelFieldAndMessage) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    ApiClient client(configFor(sim));
    const std::string m = failureOf(client, "parties?position=-1&size=10");
    std::cout << "[400] " << m << std::endl;
    EXPECT_NE(m.find("GET " + sim.baseUrl() + "/parties?position=-1&size=10"), std::string::npos) << m;
    EXPECT_NE(m.find("HTTP 400"), std::string::npos) << m;
    EXPECT_NE(m.find("SEVERE position: position must not be negative"), std::string::npos) << m;
    EXPECT_EQ(simStats(sim).requests, 1) << "a 400 must not be retried";
}

TEST(HttpErrors, NotFoundFailsAtOnceShowingTheProblem) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    ApiClient client(configFor(sim));
    const std::string m = failureOf(client, "parties/99999");
    std::cout << "[404] " << m << std::endl;
    EXPECT_NE(m.find("HTTP 404"), std::string::npos) << m;
    EXPECT_NE(m.find("SEVERE: Record 99999 of parties not found"), std::string::npos) << m;
    EXPECT_EQ(simStats(sim).requests, 1) << "a 404 must not be retried";
}

TEST(HttpErrors, WrongPasswordExits4AtOnceAndNeverLeaksIt) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world({"--records", "20"});
    world.writeConfig({"requests_per_second: 1000", "initial_backoff_seconds: 0.01"});
    const std::string wrong = "Wr0ng-Passw0rd-77";
    RunResult r = world.run({"sync", "--log-level", "debug"}, wrong);
    std::cout << "[401] " << r.describe() << std::endl;
    EXPECT_EQ(r.exitCode, 4) << r.describe();
    const std::string out = r.output();
    EXPECT_NE(r.stderrText.find("HTTP 401"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("API user 'api'"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("check source.username and source.password"), std::string::npos)
        << r.describe();
    for (const std::string& secret : {wrong, base64("api:" + wrong), base64(wrong)})
        EXPECT_EQ(out.find(secret), std::string::npos) << "leaked: " << secret;
    EXPECT_EQ(out.find("Authorization"), std::string::npos) << "an Authorization header was printed";
    EXPECT_EQ(out.find("Basic "), std::string::npos) << "a Basic credential was printed";
    EXPECT_NE(out.find("DEBUG"), std::string::npos) << "debug logging was not on";
    SimStats s = simStats(world.sim());
    EXPECT_EQ(s.byStatus["401"], 1) << "a 401 must not be retried";
}

namespace {

// sync_state of a stream as text, every column: "untouched" means all of them.
std::string checkpointRow(const std::string& dsn, const std::string& stream) {
    return ts::pg::queryScalarText(dsn,
                                   "SELECT row(s.*)::text FROM intouch.sync_state s "
                                   "WHERE stream = '" +
                                       stream + "'")
        .value_or("<no row>");
}

}  // namespace

TEST(HttpErrors, ForbiddenStreamExits4NamesItAndTheOtherStreamsAreStillSynced) {
    INTOUCH_REQUIRE_SIMULATOR();
    const std::string password = "Pw-403-d3adb33f";
    SourceWorld world({"--records", "60", "--password", password});
    world.writeConfig(
        {"page_size: 20", "requests_per_second: 1000", "initial_backoff_seconds: 0.01"});
    const std::vector<std::string> sync = {"sync",     "--stream",    "parties",
                                           "--stream", "comm",        "--stream",
                                           "products", "--log-level", "debug"};
    RunResult first = world.run(sync, password);
    ASSERT_EQ(first.exitCode, 0) << first.describe();
    const std::string commCheckpoint = checkpointRow(world.dsn(), "comm");
    const auto commTable = tableHashes(world.dsn(), "comm");
    ASSERT_EQ(commTable, dumpHashes(world.sim(), "comm"));

    // The roles lose comm; meanwhile every stream changes, so a synced one shows it.
    setKnobs(world.sim(), "forbidden=comm");
    for (const std::string stream : {"parties", "comm", "products"})
        simJson(world.sim().post("/_sim/mutate?stream=" + stream + "&edits=3&inserts=2&deletes=1"),
                "mutate " + stream);
    resetSimStats(world.sim());
    RunResult r = world.run(sync, password);
    std::cout << "[403] " << r.describe() << std::endl;

    EXPECT_EQ(r.exitCode, 4) << r.describe();
    // The last line is the verdict: the stream, the request, the user, and that it is a matter
    // of rights, not of the password.
    const std::string err = r.stderrText;
    const std::string verdict = err.substr(err.rfind("intouch-sync: "));
    for (const std::string& part : std::vector<std::string>{
             "stream comm: ", "GET " + world.sim().baseUrl() + "/comm?", "HTTP 403",
             "User 'api' has no right to read comm", "API user 'api' may not read this resource",
             "a rights problem", "check the user's roles and rights", "2 other streams synced"})
        EXPECT_NE(verdict.find(part), std::string::npos)
            << "missing '" << part << "' in " << verdict;
    EXPECT_EQ(r.output().find("retrying"), std::string::npos) << "a 403 was retried";
    SimStats s = simStats(world.sim());
    EXPECT_EQ(s.byStatus["403"], 1) << "one refused request, then the next stream";

    const std::string out = r.output() + first.output();
    for (const std::string& secret : {password, base64("api:" + password), base64(password)})
        EXPECT_EQ(out.find(secret), std::string::npos) << "leaked: " << secret;
    EXPECT_EQ(out.find("Authorization"), std::string::npos)
        << "an Authorization header was printed";
    EXPECT_EQ(out.find("Basic "), std::string::npos) << "a Basic credential was printed";

    // The readable streams were committed, the forbidden one not touched at all.
    for (const std::string stream : {"parties", "products"})
        EXPECT_EQ(tableHashes(world.dsn(), stream), dumpHashes(world.sim(), stream)) << stream;
    EXPECT_NE(commTable, dumpHashes(world.sim(), "comm")) << "the mutations missed comm";
    EXPECT_EQ(tableHashes(world.dsn(), "comm"), commTable);
    EXPECT_EQ(checkpointRow(world.dsn(), "comm"), commCheckpoint);

    // The run history says the same, for alerts written in SQL.
    const std::string dsn = world.dsn();
    auto run = ts::pg::queryRows(dsn,
                                 "SELECT outcome, error FROM intouch.sync_runs "
                                 "ORDER BY run_id DESC LIMIT 1");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(run[0][0], "failed");
    EXPECT_NE(run[0][1].value_or("").find("stream comm: "), std::string::npos) << *run[0][1];
    EXPECT_NE(run[0][1].value_or("").find("HTTP 403"), std::string::npos) << *run[0][1];
    auto streams = ts::pg::queryRows(
        dsn,
        "SELECT stream, outcome, coalesce(error, '') FROM intouch.sync_stream_runs "
        "WHERE run_id = (SELECT max(run_id) FROM intouch.sync_runs) ORDER BY stream");
    // By name: streams run side by side (sync.parallel_streams), so start times tie.
    ASSERT_EQ(streams.size(), 3u);
    EXPECT_EQ(streams[0][0], "comm");
    EXPECT_EQ(streams[0][1], "failed");
    EXPECT_NE(streams[0][2]->find("HTTP 403"), std::string::npos) << *streams[0][2];
    EXPECT_EQ(streams[1], (ts::pg::Row{"parties", "success", ""}));
    EXPECT_EQ(streams[2], (ts::pg::Row{"products", "success", ""}));
    EXPECT_EQ(ts::pg::queryScalarText(
                  dsn,
                  "SELECT count(*) FROM intouch.sync_runs r JOIN intouch.sync_stream_runs s "
                  "USING (run_id) WHERE strpos(coalesce(r.error, '') || coalesce(s.error, ''), '" +
                      password + "') > 0"),
              "0");

    RunResult status = world.run({"status"}, password);
    EXPECT_EQ(status.exitCode, 0) << status.describe();
    EXPECT_NE(status.stdoutText.find("comm: last run failed: GET "), std::string::npos)
        << status.describe();
    EXPECT_NE(status.stdoutText.find("may not read this resource"), std::string::npos)
        << status.describe();
    EXPECT_EQ(status.output().find(password), std::string::npos);

    // More than one: all named in one verdict, the rest still synced.
    setKnobs(world.sim(), "forbidden=comm,products");
    RunResult two = world.run(sync, password);
    EXPECT_EQ(two.exitCode, 4) << two.describe();
    EXPECT_NE(two.stderrText.find("2 streams the API user may not read (comm, products; 1 other "
                                  "stream synced): stream comm: "),
              std::string::npos)
        << two.describe();
    EXPECT_NE(two.stderrText.find("; stream products: GET "), std::string::npos) << two.describe();

    // `check` finds the same before any sync: one small request per stream.
    RunResult check = world.run({"check"}, password);
    EXPECT_EQ(check.exitCode, 4) << check.describe();
    EXPECT_NE(check.stdoutText.find("crm: stream parties readable"), std::string::npos)
        << check.describe();
    EXPECT_NE(check.stdoutText.find("crm: stream comm NOT readable by API user"), std::string::npos)
        << check.describe();
    EXPECT_NE(check.stdoutText.find("crm: stream products NOT readable by API user"),
              std::string::npos)
        << check.describe();
    EXPECT_NE(check.stderrText.find("may not read 2 stream(s): comm, products"), std::string::npos)
        << check.describe();
    EXPECT_EQ(check.output().find(password), std::string::npos);
}
