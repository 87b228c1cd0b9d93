// Issue 2, end to end: the real intouch-sync against the real simulator and PostgreSQL.
// What a user sees: the tables equal the CRM after a sync, a run without changes writes
// nothing, changes arrive cheaply, status/migrate/check behave as documented, and a dry run
// writes nothing.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;
namespace pg = intouch::testsupport::pg;

namespace {

std::size_t migrationFileCount() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(migrationsDir()))
        if (e.path().extension() == ".sql") ++n;
    return n;
}

void migrateOk(const SyncWorld& world) {
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();
}

void syncOk(const SyncWorld& world, const std::vector<std::string>& args = {}) {
    RunResult r = world.sync(args);
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    std::cout << "[sync] " << r.seconds << " s" << std::endl;
}

}  // namespace

// The tables and columns the tests rely on exist as mappings/*.yaml and
// migrations/0002_stream_tables.sql say (guards the hard-coded StreamLayout).
TEST(EndToEnd, TableLayoutMatchesMappings) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 10});
    migrateOk(world);
    for (const auto& stream : allStreams()) {
        const StreamLayout& l = layoutOf(stream);
        auto cols = [&](const std::string& table) {
            std::set<std::string> out;
            for (const auto& row : pg::queryRows(
                     world.dsn(), "SELECT column_name FROM information_schema.columns WHERE "
                                  "table_schema = 'intouch' AND table_name = '" + table + "'"))
                out.insert(*row.at(0));
            return out;
        };
        auto main = cols(l.table);
        ASSERT_FALSE(main.empty()) << "table intouch." << l.table << " missing";
        for (const auto& k : l.key) EXPECT_TRUE(main.count(k)) << l.table << "." << k;
        for (const char* c : {"extra", "record_hash", "synced_at"})
            EXPECT_TRUE(main.count(c)) << l.table << "." << c;
        EXPECT_EQ(main.count("deleted_at"), l.incremental ? 1u : 0u) << l.table;
        if (l.incremental) {
            EXPECT_TRUE(main.count("modified")) << l.table;
        }
        if (!l.childTable.empty()) {
            auto child = cols(l.childTable);
            EXPECT_TRUE(child.count("parent_id")) << l.childTable;
            EXPECT_TRUE(child.count("idx")) << l.childTable;
        }
    }
}

// Suite 1: a full sync of every stream equals the source; status, migrate, check.
TEST(EndToEnd, FullSyncOfEveryStreamEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 500}, ConfigSettings{.pageSize = 50});
    const std::size_t files = migrationFileCount();

    RunResult m1 = world.migrate();
    ASSERT_EQ(m1.exitCode, 0) << m1.describe();
    EXPECT_NE(m1.stdoutText.find(std::to_string(files) + " applied, 0 already applied"),
              std::string::npos)
        << m1.describe();
    RunResult m2 = world.migrate();
    ASSERT_EQ(m2.exitCode, 0) << m2.describe();
    EXPECT_NE(m2.stdoutText.find("0 applied, " + std::to_string(files) + " already applied"),
              std::string::npos)
        << "second migrate must be a no-op\n" << m2.describe();

    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 0) << check.describe();

    RunResult s = world.sync();
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    std::cout << "[full sync of 11 streams, 500 parties, page 50] " << s.seconds << " s\n"
              << s.stdoutText << std::endl;

    std::map<std::string, std::size_t> live;
    for (const auto& stream : allStreams()) {
        Comparison c = expectEqualToSource(world, stream, "full sync");
        EXPECT_GT(c.sourceCount, 0u) << stream << ": the simulator serves records of every stream";
        live[stream] = c.tableLiveCount;
    }
    EXPECT_EQ(live["parties"], 500u);

    RunResult status = world.run("status");
    ASSERT_EQ(status.exitCode, 0) << status.describe();
    std::cout << status.stdoutText << std::endl;
    for (const auto& stream : allStreams()) {
        EXPECT_EQ(statusColumn(status.stdoutText, stream, "rows"), std::to_string(live[stream]))
            << "status must list " << stream << " with its row count\n" << status.stdoutText;
        EXPECT_EQ(statusColumn(status.stdoutText, stream, "outcome"), "success")
            << stream << "\n" << status.stdoutText;
    }
    EXPECT_EQ(world.lastRunValue("outcome"), "success");
}

// Suite 2: a second sync with no changes writes nothing at all.
TEST(EndToEnd, SecondSyncWithoutChangesWritesNothing) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 500}, ConfigSettings{.pageSize = 50});
    migrateOk(world);
    syncOk(world);
    const auto before = databaseFingerprint(world.dsn());

    RunResult again = world.sync();
    ASSERT_EQ(again.exitCode, 0) << again.describe();
    std::cout << "[second sync, no changes] " << again.seconds << " s\n" << again.stdoutText;

    const auto after = databaseFingerprint(world.dsn());
    for (const auto& [table, fp] : before)
        EXPECT_EQ(fp, after.at(table)) << "intouch." << table
                                       << ": rows were rewritten (xmin/ctid/synced_at changed) "
                                          "by a sync that had nothing new";
    EXPECT_EQ(world.lastRunValue("records_upserted"), "0");
    EXPECT_EQ(world.lastRunValue("records_deleted"), "0");
    EXPECT_EQ(world.lastRunValue("outcome"), "success");
    EXPECT_EQ(pg::queryScalar<long long>(
                  world.dsn(), "SELECT coalesce(sum(records_upserted), -1) FROM "
                               "intouch.sync_stream_runs WHERE run_id = (SELECT max(run_id) FROM "
                               "intouch.sync_runs)"),
              0);
    for (const auto& stream : allStreams()) expectEqualToSource(world, stream, "after 2nd sync");
}

// Suite 3: changes made between runs arrive, cheaply.
TEST(EndToEnd, ChangesBetweenRunsArriveWithFewRequests) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 500}, ConfigSettings{.pageSize = 50});
    migrateOk(world);
    syncOk(world);
    const long long fullRequests = world.lastStreamRequests("parties");

    for (const char* stream : {"parties", "comm"}) {
        intouch::json::Value r = world.simPost(std::string("/_sim/mutate?stream=") + stream +
                                               "&edits=20&inserts=10&deletes=0");
        ASSERT_EQ(r.find("edited")->items().size(), 20u);
        ASSERT_EQ(r.find("inserted")->items().size(), 10u);
    }
    RunResult s = world.sync();
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    const long long partiesRequests = world.lastStreamRequests("parties");
    const long long commRequests = world.lastStreamRequests("comm");
    std::cout << "[incremental after 30 changes] parties requests " << partiesRequests
              << " (full sync: " << fullRequests << "), comm requests " << commRequests << ", "
              << s.seconds << " s" << std::endl;

    for (const auto& stream : allStreams()) expectEqualToSource(world, stream, "after changes");
    EXPECT_LT(partiesRequests, 15) << "30 changes at the end of a 530-record list (page 50)";
    EXPECT_LT(commRequests, 15);
    for (const char* stream : {"parties", "comm"}) {
        EXPECT_EQ(pg::queryScalar<long long>(
                      world.dsn(), std::string("SELECT records_upserted FROM "
                                               "intouch.sync_stream_runs WHERE stream = '") +
                                       stream + "' ORDER BY run_id DESC LIMIT 1"),
                  30)
            << stream << ": exactly the 20 edited and 10 inserted records are written";
    }
}

// Suite 6: --dry-run fetches and maps but writes nothing.
TEST(EndToEnd, DryRunWritesNothing) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 200}, ConfigSettings{.pageSize = 50});
    migrateOk(world);

    const long long runsBefore = countRows(world.dsn(), "FROM intouch.sync_runs");
    RunResult dry = world.sync({"--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.describe();
    EXPECT_NE(dry.stdoutText.find("dry run"), std::string::npos) << dry.describe();
    for (const auto& [table, synced] : writableTables())
        EXPECT_EQ(countRows(world.dsn(), "FROM intouch." + table), 0)
            << "dry run wrote rows into intouch." << table;
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.sync_runs"), runsBefore)
        << "a dry run recorded itself in sync_runs";

    syncOk(world);
    world.simPost("/_sim/mutate?stream=parties&edits=5&inserts=5&deletes=5");
    world.simPost("/_sim/mutate?stream=members&edits=3&inserts=3&deletes=3");
    const auto before = databaseFingerprint(world.dsn());
    RunResult dry2 = world.sync({"--dry-run"});
    ASSERT_EQ(dry2.exitCode, 0) << dry2.describe();
    const auto after = databaseFingerprint(world.dsn());
    for (const auto& [table, fp] : before)
        EXPECT_EQ(fp, after.at(table)) << "dry run changed intouch." << table;

    RunResult dryReconcile = world.reconcile({"--dry-run"});
    ASSERT_EQ(dryReconcile.exitCode, 0) << dryReconcile.describe();
    const auto afterReconcile = databaseFingerprint(world.dsn());
    for (const auto& [table, fp] : before)
        EXPECT_EQ(fp, afterReconcile.at(table)) << "reconcile --dry-run changed intouch." << table;

    syncOk(world);
    RunResult rec = world.reconcile();
    ASSERT_EQ(rec.exitCode, 0) << rec.describe();
    expectEqualToSource(world, "parties", "after real sync");
    expectEqualToSource(world, "members", "after real sync");
}

// The yardstick itself: compareWithSource notices every kind of difference (so the
// "equals the source" assertions above can fail).
TEST(EndToEnd, ComparisonDetectsEveryKindOfDifference) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 100}, ConfigSettings{.pageSize = 50});
    migrateOk(world);
    syncOk(world, {"--stream", "parties", "--stream", "members", "--stream", "lists"});
    for (const char* s : {"parties", "members", "lists"}) {
        Comparison c = compareWithSource(world, s);
        ASSERT_TRUE(c.equal()) << c.summary();
    }

    intouch::json::Value r =
        world.simPost("/_sim/mutate?stream=parties&edits=2&inserts=2&deletes=2");
    // (A members edit may redraw the old value; with three, at least one differs.)
    world.simPost("/_sim/mutate?stream=members&edits=3&inserts=1&deletes=1");
    // A party that has contacts loses one child row behind the connector's back.
    const std::string parent = *pg::queryScalarText(
        world.dsn(), "SELECT min(parent_id)::text FROM intouch.parties_contacts");
    pg::exec(world.dsn(), "DELETE FROM intouch.parties_contacts WHERE parent_id = " + parent +
                              " AND idx = (SELECT max(idx) FROM intouch.parties_contacts WHERE "
                              "parent_id = " + parent + ")");
    pg::exec(world.dsn(), "UPDATE intouch.lists SET record_hash = 'x' WHERE id = 'stages'");

    Comparison p = compareWithSource(world, "parties");
    std::cout << "[negative control] " << p.summary() << std::endl;
    EXPECT_EQ(p.missing.size(), 2u) << "the two inserted parties";
    EXPECT_EQ(p.extra.size(), 2u) << "the two deleted parties";
    EXPECT_GE(p.mismatched.size(), 2u) << "the two edited parties";
    EXPECT_TRUE(std::find_if(p.childMismatched.begin(), p.childMismatched.end(),
                             [&](const std::string& s) { return s.rfind(parent + " ", 0) == 0; }) !=
                p.childMismatched.end())
        << p.summary();
    Comparison m = compareWithSource(world, "members");
    EXPECT_EQ(m.missing.size(), 1u) << m.summary();
    EXPECT_EQ(m.extra.size(), 1u) << m.summary();
    EXPECT_GE(m.mismatched.size(), 1u) << m.summary();
    Comparison l = compareWithSource(world, "lists");
    EXPECT_EQ(l.mismatched, std::vector<std::string>{"stages"}) << l.summary();
}
