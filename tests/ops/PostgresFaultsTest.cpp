// PostgreSQL failing under a running sync (issue 11): the server restarted, the connection
// killed by pg_terminate_backend, a statement timeout. Each must end the run with exit 6
// and a message that says PostgreSQL, lose nothing committed, and the next run must resume
// and make the table equal to the source. The server is the harness's real one.
#include <gtest/gtest.h>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

long committed(const OpsWorld& w) { return w.scalarLong("SELECT count(*) FROM intouch.parties"); }

// Slow pages so that the fault lands in the middle of the run.
std::unique_ptr<ts::ChildProcess> startSlowSync(OpsWorld& w) {
    w.setKnobs("fault_slow=1&slow_ms=150");
    auto run = w.start({"sync"});
    EXPECT_TRUE(waitUntil([&] { return committed(w) >= 40; }, 60s)) << run->stderrText();
    return run;
}

void expectResumedExactly(OpsWorld& w, long before) {
    EXPECT_GE(committed(w), before) << "committed rows were lost";
    w.setKnobs("fault_slow=0");
    auto resumed = w.run({"sync"});
    ASSERT_EQ(resumed.exitCode, 0) << describe(resumed);
    EXPECT_EQ(differences(tableHashes(w, "parties"), sourceHashes(w, "parties")), "");
    // Nothing is left `running`: the dead run is marked abandoned or failed.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs WHERE outcome = 'running'"), 0);
}

TEST(PostgresFaults, ConnectionKilledByPgTerminateBackendExitsSixAndTheNextRunResumes) {
    OpsWorld w(WorldOptions().withRecords(300).withPageSize(20));
    w.migrate();
    auto run = startSlowSync(w);
    pg::exec(w.dsn(),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE application_name = 'intouch-sync' AND datname = current_database()");
    EXPECT_EQ(run->wait(30s), 6) << run->stderrText();
    EXPECT_TRUE(contains(run->stderrText(), "PostgreSQL")) << run->stderrText();
    EXPECT_TRUE(contains(run->stderrText(), "lost the PostgreSQL connection"))
        << run->stderrText();
    const long before = committed(w);
    EXPECT_LT(before, 300);
    expectResumedExactly(w, before);
}

TEST(PostgresFaults, ServerRestartedMidRunExitsSixAndTheNextRunResumes) {
    OpsWorld w(WorldOptions().withRecords(300).withPageSize(20));
    w.migrate();
    auto run = startSlowSync(w);
    ts::SharedPostgres::instance().restart();
    EXPECT_EQ(run->wait(30s), 6) << run->stderrText();
    EXPECT_TRUE(contains(run->stderrText(), "lost the PostgreSQL connection"))
        << run->stderrText();
    const long before = committed(w);
    expectResumedExactly(w, before);
}

TEST(PostgresFaults, StatementTimeoutExitsSixNamingItAndTheNextRunResumes) {
    OpsWorld w(WorldOptions().withRecords(300).withPageSize(20));
    w.migrate();
    // One row takes longer than the timeout to write; the server cancels that statement.
    pg::exec(w.dsn(),
             "CREATE FUNCTION intouch.stall() RETURNS trigger LANGUAGE plpgsql AS "
             "$$BEGIN PERFORM pg_sleep(3); RETURN NEW; END$$; "
             "CREATE TRIGGER stall BEFORE INSERT OR UPDATE ON intouch.parties FOR EACH ROW "
             "WHEN (NEW.id = 150) EXECUTE FUNCTION intouch.stall(); "
             "ALTER DATABASE " + pg::queryScalarText(w.dsn(), "SELECT quote_ident(current_database())").value() +
                 " SET statement_timeout = '1s'");
    auto p = w.run({"sync"});
    EXPECT_EQ(p.exitCode, 6) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "statement timeout")) << p.stderrText;
    const long before = committed(w);
    EXPECT_LT(before, 300);
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_runs ORDER BY run_id DESC LIMIT 1"), "failed");
    pg::exec(w.dsn(), "DROP TRIGGER stall ON intouch.parties");
    expectResumedExactly(w, before);
}

}  // namespace
}  // namespace intouch::opstest
