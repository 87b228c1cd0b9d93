// Issue 15: the same end-to-end, SIGKILL-resume, reconcile and locking scenarios against
// both targets -- PostgreSQL (target.dsn) and the SQLite file (target.sqlite) -- with the
// same assertions: the tables equal the simulator's dump (SourceComparison), the checkpoint
// never claims what the table lacks, deletions are found, an overlapping run gets exit 7.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <iostream>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TargetQuery.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;

namespace {

class OnTarget : public ::testing::TestWithParam<bool> {
protected:
    // ConfigSettings with this test's target.
    static ConfigSettings config(ConfigSettings c) {
        c.sqlite = GetParam();
        return c;
    }
};

std::vector<std::string> idsOf(const intouch::json::Value& answer, const char* field) {
    std::vector<std::string> out;
    if (const auto* arr = answer.find(field); arr && arr->isArray())
        for (const auto& v : arr->items()) out.push_back(v.isNumber() ? v.numberText() : v.asString());
    return out;
}

std::string sqlList(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

}  // namespace

TEST_P(OnTarget, FullSyncOfEveryStreamEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 500}, config({.pageSize = 50}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    RunResult again = world.migrate();
    ASSERT_EQ(again.exitCode, 0) << again.describe();
    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 0) << check.describe();

    RunResult s = world.sync();
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    std::cout << "[" << (GetParam() ? "sqlite" : "postgres") << " full sync of 11 streams, 500 parties] "
              << s.seconds << " s" << std::endl;
    // The default parallel_streams (2) syncs streams side by side on PostgreSQL; SQLite takes
    // one writer at a time, so its streams go one after another.
    const bool sideBySide = s.stderrText.find("syncing streams side by side") != std::string::npos;
    const bool inTurn = s.stderrText.find("SQLite target: streams are synced one after another") !=
                        std::string::npos;
    EXPECT_EQ(sideBySide, !GetParam()) << s.describe();
    EXPECT_EQ(inTurn, GetParam()) << s.describe();
    std::map<std::string, std::size_t> live;
    for (const auto& stream : allStreams()) {
        Comparison c = expectEqualToSource(world, stream, "full sync");
        EXPECT_GT(c.sourceCount, 0u) << stream;
        live[stream] = c.tableLiveCount;
    }
    EXPECT_EQ(live["parties"], 500u);

    RunResult status = world.run("status");
    ASSERT_EQ(status.exitCode, 0) << status.describe();
    for (const auto& stream : allStreams()) {
        EXPECT_EQ(statusColumn(status.stdoutText, stream, "rows"), std::to_string(live[stream]))
            << status.stdoutText;
        EXPECT_EQ(statusColumn(status.stdoutText, stream, "outcome"), "success") << status.stdoutText;
    }
    EXPECT_EQ(world.lastRunValue("outcome"), "success");

    // A second run without changes writes nothing.
    RunResult second = world.sync();
    ASSERT_EQ(second.exitCode, 0) << second.describe();
    EXPECT_EQ(world.lastRunValue("records_upserted"), "0") << second.stdoutText;
    EXPECT_EQ(targetCount(world, "FROM intouch.sync_runs WHERE outcome = 'success'"), 2);
}

TEST_P(OnTarget, SigkillMidSyncLosesNothingAndResumes) {
    INTOUCH_REQUIRE_BINARIES();
    for (long long threshold : {60LL, 1500LL}) {
        SCOPED_TRACE("kill after >= " + std::to_string(threshold) + " rows");
        SyncWorld world(SimSettings{.records = 3000}, config({.pageSize = 20, .requestsPerSecond = 60}));
        ASSERT_EQ(world.migrate().exitCode, 0);
        auto child = world.startSync({"--stream", "parties"});
        long long rows = 0;
        const bool reached = pollUntil(
            [&] {
                try {
                    rows = targetCount(world, "FROM intouch.parties");
                } catch (const std::exception&) {
                    rows = 0;  // a SQLite file mid-creation: not yet readable
                }
                return rows >= threshold || !child->isRunning();
            },
            std::chrono::seconds(120), std::chrono::milliseconds(5));
        ASSERT_TRUE(reached);
        ASSERT_TRUE(child->isRunning()) << "finished before the kill (" << rows << " rows)\n"
                                        << child->stderrText();
        child->kill();
        ASSERT_EQ(child->wait(std::chrono::seconds(10)), 128 + SIGKILL);

        CheckpointAudit audit = auditCheckpoint(world, "parties");
        std::cout << "[kill at >= " << threshold << " rows] " << audit.summary() << std::endl;
        EXPECT_TRUE(audit.ok()) << audit.summary();
        EXPECT_TRUE(audit.hasCheckpoint);
        EXPECT_LE(audit.coveredBySource, audit.rows);
        EXPECT_EQ(targetCount(world, "FROM intouch.sync_runs WHERE outcome = 'running'"), 1);

        const long long rowsAtKill = static_cast<long long>(audit.rows);
        RunResult resume = world.sync({"--stream", "parties", "--wait-lock", "30"});
        ASSERT_EQ(resume.exitCode, 0) << resume.describe();
        expectEqualToSource(world, "parties", "after resume");
        EXPECT_LE(world.lastStreamRequests("parties"), (3000 - rowsAtKill) / 18 + 30)
            << "the resumed run re-read committed pages";
        // The next run found the killed one's liveness lock free: it is on record as abandoned.
        EXPECT_EQ(targetCount(world, "FROM intouch.sync_runs WHERE outcome = 'abandoned'"), 1);
    }
}

TEST_P(OnTarget, DeletedRecordsAreMarkedThenHardDeleted) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 500}, config({.pageSize = 50}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    ASSERT_EQ(world.sync().exitCode, 0);
    const auto deleted = idsOf(world.simPost("/_sim/mutate?stream=parties&deletes=10"), "deleted");
    ASSERT_EQ(deleted.size(), 10u);
    const std::string in = "(" + sqlList(deleted) + ")";
    const long long childrenBefore = targetCount(world, "FROM intouch.parties_contacts WHERE parent_id IN " + in);
    const long long allChildrenBefore = targetCount(world, "FROM intouch.parties_contacts");

    RunResult s = world.sync();
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    EXPECT_EQ(targetCount(world, "FROM intouch.parties WHERE deleted_at IS NOT NULL AND id IN " + in), 10);
    EXPECT_EQ(targetCount(world, "FROM intouch.parties WHERE deleted_at IS NOT NULL"), 10);
    EXPECT_EQ(targetCount(world, "FROM intouch.parties_contacts"), allChildrenBefore) << "soft delete keeps children";
    Comparison soft = expectEqualToSource(world, "parties", "after soft delete");
    EXPECT_EQ(soft.tableDeletedCount, 10u);

    RunResult hard = world.reconcile({"--stream", "parties", "--hard-delete"});
    ASSERT_EQ(hard.exitCode, 0) << hard.describe();
    EXPECT_EQ(targetCount(world, "FROM intouch.parties WHERE id IN " + in), 0);
    EXPECT_EQ(targetCount(world, "FROM intouch.parties_contacts"), allChildrenBefore - childrenBefore)
        << "hard delete removes the children";
    Comparison after = expectEqualToSource(world, "parties", "after hard delete");
    EXPECT_EQ(after.tableDeletedCount, 0u);
}

TEST_P(OnTarget, ReconcileCommandFindsDeletions) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 300}, config({.pageSize = 40, .extraSyncLines = {"reconcile: never"}}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    const auto deleted = idsOf(world.simPost("/_sim/mutate?stream=parties&inserts=7&deletes=7"), "deleted");
    ASSERT_EQ(deleted.size(), 7u);
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    Comparison c = compareWithSource(world, "parties");
    EXPECT_TRUE(c.missing.empty() && c.mismatched.empty()) << c.summary();
    std::vector<std::string> expectedExtra = deleted, extra = c.extra;
    std::sort(expectedExtra.begin(), expectedExtra.end());
    std::sort(extra.begin(), extra.end());
    EXPECT_EQ(extra, expectedExtra) << "a sync alone cannot see deletions";

    RunResult rec = world.reconcile({"--stream", "parties"});
    ASSERT_EQ(rec.exitCode, 0) << rec.describe();
    Comparison after = expectEqualToSource(world, "parties", "after reconcile");
    EXPECT_EQ(after.tableDeletedCount, 7u);
}

TEST_P(OnTarget, OverlappingRunOfAStreamGetsExit7) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 3000}, config({.pageSize = 20, .requestsPerSecond = 40}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    auto first = world.startSync({"--stream", "parties"});
    ASSERT_TRUE(pollUntil(
        [&] {
            try {
                return targetCount(world, "FROM intouch.parties") > 0 || !first->isRunning();
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds(60)));
    ASSERT_TRUE(first->isRunning()) << first->stderrText();
    RunResult second = world.sync({"--stream", "parties"});
    EXPECT_EQ(second.exitCode, 7) << second.describe();
    EXPECT_NE(second.stderrText.find("being synced by another run"), std::string::npos) << second.describe();
    first->kill();
    first->wait(std::chrono::seconds(10));
    // The killed holder's lock died with it: the next run goes ahead and completes the stream.
    RunResult third = world.sync({"--stream", "parties"});
    ASSERT_EQ(third.exitCode, 0) << third.describe();
    expectEqualToSource(world, "parties", "after the overlap");
}

TEST_P(OnTarget, DryRunWritesNothing) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 300}, config({.pageSize = 50}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    world.simPost("/_sim/mutate?stream=parties&edits=20&inserts=5&deletes=3");
    auto snapshot = [&] {
        return targetRows(world, "SELECT " + textOf(world, "id") + ", record_hash, " + textOf(world, "synced_at") +
                                     " FROM intouch.parties ORDER BY id");
    };
    const auto rowsBefore = snapshot();
    const auto stateBefore = targetRows(world, "SELECT * FROM intouch.sync_state ORDER BY stream");
    const long long runsBefore = targetCount(world, "FROM intouch.sync_runs");
    RunResult dry = world.sync({"--stream", "parties", "--dry-run"});
    ASSERT_EQ(dry.exitCode, 0) << dry.describe();
    EXPECT_EQ(snapshot(), rowsBefore);
    EXPECT_EQ(targetRows(world, "SELECT * FROM intouch.sync_state ORDER BY stream"), stateBefore);
    EXPECT_EQ(targetCount(world, "FROM intouch.sync_runs"), runsBefore) << "a dry run records no run";
    // The real run then brings the changes.
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    Comparison c = compareWithSource(world, "parties");
    EXPECT_TRUE(c.missing.empty() && c.mismatched.empty()) << c.summary();
}

TEST_P(OnTarget, FullRefreshReplacesTheTablesWhole) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 300}, config({.pageSize = 50}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    // Rows that no longer match the CRM (a stale version, lost children): a full refresh
    // rebuilds the table from the CRM, where an incremental run would not look.
    targetExec(world, "UPDATE intouch.parties SET record_hash = 'stale' WHERE id IN (1, 2)");
    targetExec(world, "DELETE FROM intouch.parties_contacts WHERE parent_id IN (SELECT parent_id FROM "
                      "intouch.parties_contacts LIMIT 1)");
    ASSERT_FALSE(compareWithSource(world, "parties").equal()) << "the sabotage took";
    RunResult refresh = world.sync({"--stream", "parties", "--full-refresh"});
    ASSERT_EQ(refresh.exitCode, 0) << refresh.describe();
    expectEqualToSource(world, "parties", "after --full-refresh");
    EXPECT_EQ(targetCount(world, "FROM intouch.sync_state WHERE stream LIKE '%full-refresh%'"), 0)
        << "the shadow checkpoint moved to the live stream";
    EXPECT_EQ(targetCount(world, "FROM intouch.sync_state WHERE stream = 'parties'"), 1);
    // And an incremental run after it reads only what changed.
    world.simPost("/_sim/mutate?stream=parties&edits=5");
    ASSERT_EQ(world.sync({"--stream", "parties"}).exitCode, 0);
    expectEqualToSource(world, "parties", "incremental after --full-refresh");
}

INSTANTIATE_TEST_SUITE_P(Targets, OnTarget, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                             return std::string(info.param ? "Sqlite" : "Postgres");
                         });
