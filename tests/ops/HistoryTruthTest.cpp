// The runs tables never lie: an error text the CRM sent in bad bytes is still recorded, a
// history write that fails makes the run fail loudly, and a run killed without a chance
// to record its end is marked `abandoned` by the next run -- never a live one.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "OpsWorld.hpp"
#include "support/CannedHttpResponder.hpp"

namespace intouch::opstest {
namespace {

// The world's config with the CRM replaced by another URL.
std::string configFor(const OpsWorld& w, const std::string& url) {
    std::ifstream in(w.configPath());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const std::string from = w.sim().baseUrl();
    s.replace(s.find(from), from.size(), url);
    const std::string path = (w.dir() / "canned.yaml").string();
    std::ofstream(path) << s;
    return path;
}

// The alert query of docs/operations.md, "What went wrong recently".
const char* kWentWrong =
    "SELECT count(*) FROM intouch.sync_runs "
    "WHERE outcome NOT IN ('success', 'running') AND started_at > now() - interval '1 day'";

TEST(HistoryTruth, ErrorPageCutInsideACharacterOrInWindows1250IsRecorded) {
    OpsWorld w;
    w.migrate();
    // 199 ASCII bytes then "č" (C4 8D): the 200-byte excerpt of the page ends between
    // its two bytes. The reason phrase is windows-1250 ("Chyba serveru: špatně"), and
    // there is a NUL: PostgreSQL accepts none of them in text.
    const std::string body = std::string(199, 'x') + "\xC4\x8D" + " konec";
    ts::CannedHttpResponder crm(ts::CannedHttpResponder::head(
                                    std::string("500 Chyba \x9Apatn\xEC \x00x", 19),
                                    "Content-Type: text/html\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n") +
                                body);
    auto p = ts::runToCompletion(syncBinary(), {"sync", "--config", configFor(w, crm.url())},
                                 {{"OPS_PASSWORD", OpsWorld::kPassword}}, 60s);
    EXPECT_EQ(p.exitCode, 5) << describe(p);
    EXPECT_FALSE(contains(p.stderrText, "could not record")) << p.stderrText;
    auto run = pg::queryRows(w.dsn(), "SELECT outcome, coalesce(error, '') FROM intouch.sync_runs");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(*run[0][0], "failed");
    EXPECT_TRUE(contains(*run[0][1], "HTTP 500 Chyba \xEF\xBF\xBDpatn\xEF\xBF\xBD")) << *run[0][1];
    EXPECT_TRUE(contains(*run[0][1], std::string(199, 'x') + "...")) << *run[0][1];
    EXPECT_EQ(w.scalarLong(kWentWrong), 1);
}

TEST(HistoryTruth, AFailedHistoryWriteFailsTheRunSayingSo) {
    OpsWorld w(WorldOptions().withRecords(20));
    w.migrate();
    pg::exec(w.dsn(),
                "CREATE FUNCTION intouch.refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$BEGIN RAISE EXCEPTION 'history write refused by the test'; END$$; "
                "CREATE TRIGGER refuse BEFORE UPDATE ON intouch.sync_runs FOR EACH ROW "
                "WHEN (NEW.outcome = 'success') EXECUTE FUNCTION intouch.refuse()");
    auto p = w.run({"sync"});
    EXPECT_EQ(p.exitCode, 6) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "could not record the outcome 'success' of run 1")) << p.stderrText;
    EXPECT_TRUE(contains(p.stderrText, "history write refused by the test")) << p.stderrText;
    // The data itself is committed.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties"), 20);
}

TEST(HistoryTruth, AKilledRunIsMarkedAbandonedByTheNextButALiveOneIsNot) {
    OpsWorld w(WorldOptions().withRecords(400).withPageSize(20).withStreams({"parties", "comm"}));
    w.migrate();
    w.setKnobs("fault_slow=1&slow_ms=150");
    auto first = w.start({"sync"});
    ASSERT_TRUE(waitUntil([&] { return w.scalarLong("SELECT count(*) FROM intouch.parties") >= 40; }, 60s))
        << first->stderrText();

    // A second run while the first is alive: refused by the stream lock, and it must not
    // take the first for dead. It asks for parties only: a run goes on with the streams it
    // can lock, and one that synced comm meanwhile would make the first run end with exit 7.
    auto second = w.run({"sync", "--stream", "parties"});
    EXPECT_EQ(second.exitCode, 7) << describe(second);
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_runs WHERE run_id = 1"), "running");

    first->kill();
    ASSERT_EQ(first->wait(20s), 128 + 9);
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_runs WHERE run_id = 1"), "running");
    const long wrongBefore = w.scalarLong(kWentWrong);

    w.setKnobs("fault_slow=0");
    auto third = w.run({"sync"});
    EXPECT_EQ(third.exitCode, 0) << describe(third);
    EXPECT_TRUE(contains(third.stderrText, "marked abandoned")) << third.stderrText;
    auto run = pg::queryRows(w.dsn(), "SELECT outcome, coalesce(error, '') FROM intouch.sync_runs WHERE run_id = 1");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(*run[0][0], "abandoned");
    EXPECT_TRUE(contains(*run[0][1], "noticed by run 3")) << *run[0][1];
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_stream_runs WHERE run_id = 1 AND stream = 'parties'"),
              "abandoned");
    EXPECT_EQ(w.scalarLong(kWentWrong), wrongBefore + 1);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs WHERE outcome = 'running'"), 0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties"), 400);
}

}  // namespace
}  // namespace intouch::opstest
