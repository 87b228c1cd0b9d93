// Two runs of the same stream against the same target must never interleave: the
// second exits 7 with a message that says what to do, or waits with --wait-lock.
#include <gtest/gtest.h>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

bool streamLockHeld(const OpsWorld& w) {
    return w.scalarLong(
               "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
               "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()") >
           0;
}

TEST(Locking, SecondRunExitsSevenOrWaitsAndTheDataStaysIntact) {
    OpsWorld w(WorldOptions().withRecords(400).withPageSize(40));
    w.migrate();
    // Every request takes a second: the first run holds the stream for a long time.
    w.setKnobs("fault_slow=1&slow_ms=1000");
    auto first = w.start({"sync"});
    ASSERT_TRUE(waitUntil([&] { return streamLockHeld(w); }, 30s))
        << "the first run never took the stream's lock\n"
        << first->stderrText();

    auto second = w.run({"sync"});
    EXPECT_EQ(second.exitCode, 7) << describe(second);
    EXPECT_TRUE(contains(second.stderrText,
                         "stream 'parties' in schema 'intouch' is being synced "
                         "by another run; try again later or pass --wait-lock"))
        << second.stderrText;

    // State changes take the same lock: a rewind under a running sync would be overwritten.
    auto reset = w.run({"state", "reset", "--stream", "parties"});
    EXPECT_EQ(reset.exitCode, 7) << describe(reset);

    auto third = w.start({"sync", "--wait-lock", "120"});
    ASSERT_TRUE(
        waitUntil([&] { return contains(third->stderrText(), "waiting for another run"); }, 30s))
        << third->stderrText();
    EXPECT_TRUE(third->isRunning());
    EXPECT_TRUE(first->isRunning()) << "the first run ended before the test could overlap it";

    w.setKnobs("fault_slow=0");
    ASSERT_EQ(first->wait(60s), 0) << first->stderrText();
    ASSERT_EQ(third->wait(60s), 0) << third->stderrText();

    EXPECT_EQ(differences(tableHashes(w, "parties"), sourceHashes(w, "parties")), "");
    // What the on-call person reads afterwards: one success, one refusal, one success after
    // the first ended.
    auto runs = pg::queryRows(w.dsn(),
                              "SELECT command, outcome, coalesce(error, '') FROM intouch.sync_runs "
                              "ORDER BY run_id");
    ASSERT_EQ(runs.size(), 4u);
    EXPECT_EQ(*runs[0][1], "success");
    EXPECT_EQ(*runs[1][1], "locked");
    EXPECT_TRUE(contains(*runs[1][2], "being synced by another run")) << *runs[1][2];
    EXPECT_EQ(*runs[2][0], "state reset parties");
    EXPECT_EQ(*runs[2][1], "locked");
    EXPECT_EQ(*runs[3][1], "success");
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs a, intouch.sync_runs b "
                           "WHERE a.run_id = 1 AND b.run_id = 4 AND b.finished_at > a.finished_at"),
              1)
        << "the waiting run finished before the run it waited for";
    // A refused run is not a failure of the stream: status keeps 'last failure' empty.
    EXPECT_EQ(
        w.scalarLong("SELECT count(*) FROM intouch.sync_stream_runs WHERE outcome = 'failed'"), 0);
    // The reset was refused, so the checkpoint is still there.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_state WHERE stream = 'parties'"), 1);
}

}  // namespace
}  // namespace intouch::opstest
