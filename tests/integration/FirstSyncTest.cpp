// Issue 14 item 1: a first sync into empty tables (and a full refresh into its shadow tables)
// COPYs rows straight into the target instead of staging and upserting them. What the user
// must see is the same as through the guarded upsert: the table equals the CRM, after a kill
// half-way, under edits that make overlapping pages read records twice, and after a full
// refresh. The log line proves the fast path was taken (or, on a resumed run, not taken).

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <map>
#include <vector>
#include <string>
#include <thread>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TestHelpers.hpp"
#include "support/PgQuery.hpp"

namespace intouch::itest {
namespace {

namespace pg = intouch::testsupport::pg;
using namespace std::chrono_literals;

// PostgresWriter's log line when it decides that a stream's first sync goes straight in.
const std::string kDirect = "rows are copied straight in";

bool saysDirect(const RunResult& r, const std::string& table) {
    const auto at = r.stderrText.find(kDirect);
    return at != std::string::npos && r.stderrText.find(table, at) != std::string::npos;
}

void migrateOk(const SyncWorld& world) {
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();
}

void syncOk(const SyncWorld& world) {
    RunResult r = world.sync();
    ASSERT_EQ(r.exitCode, 0) << r.describe();
}

bool hasCheckpoint(const SyncWorld& w, const std::string& stream) {
    return pg::queryScalar<long>(w.dsn(), "SELECT count(*) FROM intouch.sync_state WHERE stream = '" +
                                              stream + "'") > 0;
}

TEST(FirstSync, EveryStreamGoesStraightInOnceAndEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld w(SimSettings{.records = 300}, ConfigSettings{.pageSize = 40});
    migrateOk(w);
    RunResult first = w.sync();
    ASSERT_EQ(first.exitCode, 0) << first.describe();
    EXPECT_TRUE(saysDirect(first, "parties")) << first.describe();
    for (const auto& stream : allStreams()) expectEqualToSource(w, stream, "first sync");

    w.simPost("/_sim/mutate?stream=parties&edits=30&inserts=10");
    std::this_thread::sleep_for(1100ms);
    RunResult second = w.sync();
    ASSERT_EQ(second.exitCode, 0) << second.describe();
    EXPECT_EQ(second.stderrText.find(kDirect), std::string::npos)
        << "a table with rows and a checkpoint must be upserted\n" << second.describe();
    expectEqualToSource(w, "parties", "second sync");
}

// When ANALYZE last ran by hand (a statement, not autovacuum) on intouch.<table>, "" never.
// The statistics views are updated when the writing session ends: polled for a while.
std::string lastAnalyze(const SyncWorld& w, const std::string& table, const std::string& after = "") {
    std::string at;
    pollUntil(
        [&] {
            std::string sql = "SELECT coalesce(max(last_analyze::text), '') FROM pg_stat_user_tables "
                              "WHERE schemaname = 'intouch' AND relname = '" + table + "'";
            if (!after.empty()) sql += " AND last_analyze > '" + after + "'::timestamptz";
            at = pg::queryScalarText(w.dsn(), sql).value_or("");
            return !at.empty();
        },
        5s, 50ms);
    return at;
}

// A first sync gathers the statistics of the tables it filled, so that the next run plans its
// statements for their size: without it the planner still sees the empty tables until
// autovacuum comes (and charges its work to whatever runs then). A full refresh does the same
// for the live tables it refilled.
TEST(FirstSync, TheTablesItFilledAreAnalysedAndSoAreAFullRefreshs) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld w(SimSettings{.records = 300}, ConfigSettings{.pageSize = 40});
    migrateOk(w);
    RunResult first = w.sync({"--stream", "parties"});
    ASSERT_EQ(first.exitCode, 0) << first.describe();
    ASSERT_TRUE(saysDirect(first, "parties")) << first.describe();
    const std::vector<std::string> tables = {"parties", "parties_contacts", "parties_history",
                                             "parties_contacts_history"};
    std::map<std::string, std::string> analysed;
    for (const auto& t : tables) {
        analysed[t] = lastAnalyze(w, t);
        EXPECT_NE(analysed[t], "") << t << " was not analysed after the first sync";
    }
    // ANALYZE counted the rows: the planner's estimate is the table's size, not an empty table's.
    EXPECT_EQ(pg::queryScalar<long>(w.dsn(), "SELECT reltuples::bigint FROM pg_class "
                                             "WHERE oid = 'intouch.parties'::regclass"),
              300);
    EXPECT_EQ(pg::queryScalar<long>(w.dsn(), "SELECT reltuples::bigint FROM pg_class "
                                             "WHERE oid = 'intouch.parties_history'::regclass"),
              300);
    // ... on the columns the connector finds rows by, which is what its plans need. The rest
    // is left to autovacuum: the count of changed rows it goes by was not reset (unless it
    // has come by already, which analyses every column).
    auto hasStats = [&](const std::string& table, const std::string& column) {
        return pg::queryScalar<long>(w.dsn(), "SELECT count(*) FROM pg_stats WHERE schemaname = "
                                              "'intouch' AND tablename = '" + table +
                                              "' AND attname = '" + column + "'") == 1;
    };
    EXPECT_TRUE(hasStats("parties", "id"));
    EXPECT_TRUE(hasStats("parties_contacts", "parent_id"));
    EXPECT_TRUE(hasStats("parties_contacts", "idx"));
    EXPECT_TRUE(hasStats("parties_history", "valid_to"));
    EXPECT_TRUE(hasStats("parties_contacts_history", "parent_id"));
    std::string leftToAutovacuum;
    pollUntil(
        [&] {
            leftToAutovacuum = pg::queryScalarText(
                w.dsn(), "SELECT (n_mod_since_analyze >= 300 AND NOT EXISTS (SELECT FROM pg_stats "
                         "WHERE schemaname = 'intouch' AND tablename = 'parties' AND attname = "
                         "'surname')) OR last_autoanalyze IS NOT NULL FROM pg_stat_user_tables "
                         "WHERE schemaname = 'intouch' AND relname = 'parties'").value_or("");
            return leftToAutovacuum == "t";
        },
        5s, 50ms);
    EXPECT_EQ(leftToAutovacuum, "t")
        << "parties was analysed on every column, or its count of changed rows was reset";

    // An incremental run that upserts leaves the statistics to autovacuum.
    w.simPost("/_sim/mutate?stream=parties&edits=5");
    std::this_thread::sleep_for(1100ms);
    syncOk(w);
    std::this_thread::sleep_for(1100ms);  // past any flush of the run's statistics
    EXPECT_EQ(lastAnalyze(w, "parties"), analysed["parties"]);

    RunResult full = w.sync({"--stream", "parties", "--full-refresh"});
    ASSERT_EQ(full.exitCode, 0) << full.describe();
    for (const auto& t : tables)
        EXPECT_NE(lastAnalyze(w, t, analysed[t]), "") << t << " was not analysed again after the full refresh";
}

TEST(FirstSync, KilledHalfWayThenResumedEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld w(SimSettings{.records = 3000}, ConfigSettings{.pageSize = 20});
    migrateOk(w);
    auto child = w.startSync({"--stream", "parties"});
    // Killed once some pages are committed (with their checkpoint), before the end.
    const bool committed = pollUntil([&] { return hasCheckpoint(w, "parties"); }, 60s, 5ms);
    ASSERT_TRUE(committed) << "no page was committed within a minute";
    child->kill();
    const auto code = child->wait(10s);
    ASSERT_TRUE(code.has_value());
    ASSERT_EQ(*code, 128 + SIGKILL) << "the first sync ended before it was killed: the test proved nothing";
    const long half = pg::queryScalar<long>(w.dsn(), "SELECT count(*) FROM intouch.parties");
    std::cout << "[killed first sync] " << half << " of 3000 parties committed" << std::endl;
    EXPECT_GT(half, 0);
    EXPECT_LT(half, 3000);

    RunResult resumed = w.sync({"--stream", "parties"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.describe();
    EXPECT_EQ(resumed.stderrText.find(kDirect), std::string::npos)
        << "the resumed run sees rows and a checkpoint: it must upsert\n" << resumed.describe();
    expectEqualToSource(w, "parties", "resumed after a kill");
}

TEST(FirstSync, RecordsReadTwiceUnderEditsAreWrittenOnceAtTheirNewestVersion) {
    INTOUCH_REQUIRE_BINARIES();
    // Edits while the first sync pages: an edited record moves to the end of the list and
    // is read again, pages later, with other content; every page repeats its predecessor's
    // last record.
    SimSettings sim{.records = 600};
    sim.mutatePerRequest = 2;
    SyncWorld w(sim, ConfigSettings{.pageSize = 25});
    migrateOk(w);
    RunResult first = w.sync({"--stream", "parties"});
    ASSERT_EQ(first.exitCode, 0) << first.describe();
    EXPECT_TRUE(saysDirect(first, "parties")) << first.describe();
    std::cout << "[first sync under edits] pages upserted instead: "
              << [&] {
                     std::size_t n = 0;
                     for (auto at = first.stderrText.find("guarded upsert"); at != std::string::npos;
                          at = first.stderrText.find("guarded upsert", at + 1))
                         ++n;
                     return n;
                 }()
              << std::endl;
    w.setKnobs("mutate_per_request=0");
    std::this_thread::sleep_for(1100ms);
    RunResult last = w.sync({"--stream", "parties"});
    ASSERT_EQ(last.exitCode, 0) << last.describe();
    RunResult rec = w.reconcile({"--stream", "parties"});  // the edits delete records too
    ASSERT_EQ(rec.exitCode, 0) << rec.describe();
    expectEqualToSource(w, "parties", "after a first sync under edits");
}

TEST(FirstSync, AFullRefreshCopiesIntoItsShadowAndEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld w(SimSettings{.records = 400}, ConfigSettings{.pageSize = 30});
    migrateOk(w);
    syncOk(w);
    w.simPost("/_sim/mutate?stream=parties&edits=40&inserts=10&deletes=10");
    std::this_thread::sleep_for(1100ms);
    RunResult full = w.sync({"--stream", "parties", "--full-refresh"});
    ASSERT_EQ(full.exitCode, 0) << full.describe();
    EXPECT_TRUE(saysDirect(full, "parties__refresh")) << full.describe();
    expectEqualToSource(w, "parties", "after a full refresh");
}

}  // namespace
}  // namespace intouch::itest
