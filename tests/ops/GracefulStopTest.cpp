// SIGTERM in the middle of a sync: the run commits what it has, records itself as
// interrupted and exits 8; the next run resumes and ends with exactly the CRM's data.
// A second signal stops at once, which is still safe because every page is one
// transaction.
#include <gtest/gtest.h>

#include <thread>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

long committedParties(const OpsWorld& w) {
    return w.scalarLong("SELECT count(*) FROM intouch.parties");
}

TEST(GracefulStop, SigtermMidSyncExitsEightAndTheResumedRunIsExact) {
    OpsWorld w(WorldOptions().withRecords(300).withPageSize(20));
    w.migrate();
    w.setKnobs("fault_slow=1&slow_ms=150");
    auto run = w.start({"sync"});
    ASSERT_TRUE(waitUntil([&] { return committedParties(w) >= 40; }, 60s)) << run->stderrText();

    const auto signalled = std::chrono::steady_clock::now();
    run->terminate();
    ASSERT_EQ(run->wait(20s), 8) << run->stderrText();
    // The page in flight finishes (one slow request) or is rolled back: well under the
    // 10 s a scheduler waits before SIGKILL.
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);

    const long partial = committedParties(w);
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, 300) << "the run was not interrupted in the middle";
    auto runs = pg::queryRows(w.dsn(),
                              "SELECT outcome, finished_at IS NOT NULL, coalesce(error, '') "
                              "FROM intouch.sync_runs");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(*runs[0][0], "interrupted");
    EXPECT_EQ(*runs[0][1], "t");
    EXPECT_FALSE(runs[0][2]->empty());
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_stream_runs WHERE stream = 'parties'"),
              "interrupted");
    // The committed pages left a checkpoint to resume from.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_state WHERE stream = 'parties'"), 1);

    // People keep working in the CRM meanwhile.
    ASSERT_EQ(w.sim().post("/_sim/mutate?stream=parties&edits=15&inserts=5").status, 200);
    w.setKnobs("fault_slow=0");
    auto resumed = w.run({"sync"});
    ASSERT_EQ(resumed.exitCode, 0) << describe(resumed);
    EXPECT_EQ(differences(tableHashes(w, "parties"), sourceHashes(w, "parties")), "");
    // It resumed rather than starting over: fewer records read than the CRM holds.
    EXPECT_LE(w.scalarLong("SELECT records_seen FROM intouch.sync_stream_runs WHERE run_id = 2"),
              305 - partial + 15);
}

TEST(GracefulStop, SecondSignalStopsAtOnceAndIsStillSafe) {
    OpsWorld w(WorldOptions().withRecords(300).withPageSize(20));
    w.migrate();
    w.setKnobs("fault_slow=1&slow_ms=100");
    auto run = w.start({"sync"});
    ASSERT_TRUE(waitUntil([&] { return committedParties(w) >= 20; }, 60s)) << run->stderrText();
    // Now every request hangs for 8 s: a first signal alone would wait for it.
    w.setKnobs("slow_ms=8000");
    std::this_thread::sleep_for(300ms);
    const auto signalled = std::chrono::steady_clock::now();
    run->terminate();
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(run->isRunning()) << "the first signal alone should wait for the slow request";
    run->terminate();
    ASSERT_EQ(run->wait(5s), 8) << run->stderrText();
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, 3s);
    // Killed hard: the run could not record its end, which is what 'running' without a
    // process means in the runs table.
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_runs"), "running");

    w.setKnobs("fault_slow=0");
    auto resumed = w.run({"sync"});
    ASSERT_EQ(resumed.exitCode, 0) << describe(resumed);
    EXPECT_EQ(differences(tableHashes(w, "parties"), sourceHashes(w, "parties")), "");
}

}  // namespace
}  // namespace intouch::opstest
