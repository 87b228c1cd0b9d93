// Issue 2, end to end: what a user sees when something is wrong (credentials, URL, stream
// name, migrations) and when the connector is killed with SIGKILL in the middle of a run.

#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;
namespace pg = intouch::testsupport::pg;
namespace fs = std::filesystem;

namespace {

std::string base64(const std::string& s) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc << s;
    enc.close();
    return out.str();
}

}  // namespace

// Suite 5a: a wrong password is exit 4, the message names the API user, and the password
// never appears in any output (neither plain nor in a Basic header).
TEST(FailureModes, BadCredentialsExit4NamingUserWithoutPassword) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 20, .user = "sync-bot", .password = "right-pass"},
                    ConfigSettings{.username = "sync-bot"});
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();

    const std::string wrong = "Wr0ng-Passw0rd-42";
    ConfigSettings bad = world.configSettings();
    bad.password = wrong;
    world.writeConfig(bad);
    RunResult r = world.sync();
    std::cout << "[bad credentials] stderr:\n" << r.stderrText << std::endl;
    EXPECT_EQ(r.exitCode, 4) << r.describe();
    // An operator with several configs must be able to tell which account to fix.
    EXPECT_NE(r.stderrText.find("sync-bot"), std::string::npos)
        << "the error should say which API user was refused\n" << r.describe();
    for (const std::string& secret : {wrong, base64("sync-bot:" + wrong)}) {
        EXPECT_EQ(r.stderrText.find(secret), std::string::npos) << "password leaked to stderr";
        EXPECT_EQ(r.stdoutText.find(secret), std::string::npos) << "password leaked to stdout";
    }
    // The failed run is on record, with the reason and no password either.
    auto error = world.lastRunValue("error");
    EXPECT_EQ(world.lastRunValue("outcome"), "failed");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->find(wrong), std::string::npos);
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.parties"), 0);

    // `check` proves the credentials too (/api/about alone needs no login).
    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 4) << check.describe();
    EXPECT_NE(check.stderrText.find("sync-bot"), std::string::npos) << check.describe();
    EXPECT_EQ((check.stdoutText + check.stderrText).find(wrong), std::string::npos)
        << "password leaked by check";
}

// Suite 5b: plain http to a non-loopback host is refused before any request (exit 2).
TEST(FailureModes, PlainHttpToRemoteHostIsAConfigError) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 5});
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();
    ConfigSettings c = world.configSettings();
    c.url = "http://crm.example.com/api";
    world.writeConfig(c);
    for (const char* command : {"sync", "check"}) {
        RunResult r = world.run(command);
        EXPECT_EQ(r.exitCode, 2) << r.describe();
        EXPECT_NE(r.stderrText.find("https://"), std::string::npos)
            << "the message should tell to use https://\n" << r.describe();
        EXPECT_NE(r.stderrText.find("http://crm.example.com/api"), std::string::npos)
            << r.describe();
        EXPECT_LT(r.seconds, 10) << "refused without trying the network";
    }
}

// Suite 5c: an unknown --stream is a usage error that lists the known streams.
TEST(FailureModes, UnknownStreamIsAConfigError) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 5});
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();
    RunResult r = world.sync({"--stream", "partys"});
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_NE(r.stderrText.find("partys"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("parties"), std::string::npos)
        << "the message should list the streams that exist\n" << r.describe();
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.sync_runs"), 0);
}

// Suite 5d: pending migrations stop sync (exit 2) with the command to run.
TEST(FailureModes, PendingMigrationsStopSyncWithAHint) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 5});

    // Nothing applied at all.
    RunResult r = world.sync();
    EXPECT_EQ(r.exitCode, 2) << r.describe();
    EXPECT_NE(r.stderrText.find("intouch-sync migrate"), std::string::npos) << r.describe();
    EXPECT_EQ(pg::queryScalar<long long>(world.dsn(),
                                         "SELECT count(*) FROM information_schema.tables WHERE "
                                         "table_schema = 'intouch' AND table_name = 'parties'"),
              0)
        << "sync must not create tables itself";

    // Only the first migration applied (an older release), then the new files arrive.
    fs::path oldDir = world.scratch() / "old-migrations";
    fs::create_directories(oldDir);
    std::string first;
    for (const auto& e : fs::directory_iterator(migrationsDir()))
        if (e.path().extension() == ".sql" && (first.empty() || e.path().filename().string() < first))
            first = e.path().filename().string();
    fs::copy_file(migrationsDir() / first, oldDir / first);
    ConfigSettings c = world.configSettings();
    c.migrationsDir = oldDir.string();
    world.writeConfig(c);
    RunResult m = world.migrate();
    ASSERT_EQ(m.exitCode, 0) << m.describe();
    c.migrationsDir.reset();
    world.writeConfig(c);

    RunResult s = world.sync();
    EXPECT_EQ(s.exitCode, 2) << s.describe();
    EXPECT_NE(s.stderrText.find("intouch-sync migrate"), std::string::npos) << s.describe();
    EXPECT_NE(s.stderrText.find("not applied"), std::string::npos) << s.describe();
    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 2) << check.describe();
    EXPECT_NE(check.stdoutText.find("pending"), std::string::npos) << check.describe();

    RunResult m2 = world.migrate();
    ASSERT_EQ(m2.exitCode, 0) << m2.describe();
    RunResult ok = world.sync({"--stream", "parties"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
    expectEqualToSource(world, "parties", "after migrate");
}

// Suite 4: SIGKILL mid-sync, at three different moments. After each kill the table holds
// whole pages only: every committed row is a version the CRM served, and every record the
// committed checkpoint claims is there. A new run resumes (cheaply) and ends equal to the CRM.
TEST(FailureModes, SigkillMidSyncLosesNothingAndResumes) {
    INTOUCH_REQUIRE_BINARIES();
    // 3000 parties at page size 20, 60 requests/s: the parties stream takes ~3 s.
    SyncWorld world(SimSettings{.records = 3000},
                    ConfigSettings{.pageSize = 20, .requestsPerSecond = 60});
    for (long long threshold : {60LL, 1500LL, 2800LL}) {
        SCOPED_TRACE("kill after >= " + std::to_string(threshold) + " rows");
        // A fresh database per kill moment, same simulator (nothing changes in the source).
        SyncWorld* w = &world;
        std::unique_ptr<SyncWorld> fresh;
        if (threshold != 60) {
            fresh = std::make_unique<SyncWorld>(w->simSettings(), w->configSettings());
            w = fresh.get();
        }
        RunResult m = w->migrate();
        ASSERT_EQ(m.exitCode, 0) << m.describe();

        auto child = w->startSync({"--stream", "parties"});
        long long rows = 0;
        const bool reached = pollUntil(
            [&] {
                rows = countRows(w->dsn(), "FROM intouch.parties");
                return rows >= threshold || !child->isRunning();
            },
            std::chrono::seconds(120), std::chrono::milliseconds(5));
        ASSERT_TRUE(reached);
        ASSERT_TRUE(child->isRunning())
            << "the run finished before the kill (" << rows << " rows); slow it down\n"
            << child->stderrText();
        child->kill();
        auto code = child->wait(std::chrono::seconds(10));
        ASSERT_EQ(code, 128 + SIGKILL);

        CheckpointAudit audit = auditCheckpoint(*w, "parties");
        std::cout << "[kill at >= " << threshold << " rows] " << audit.summary() << std::endl;
        EXPECT_TRUE(audit.ok()) << audit.summary();
        EXPECT_TRUE(audit.hasCheckpoint) << "rows were committed, so was a checkpoint";
        EXPECT_LE(static_cast<std::size_t>(audit.coveredBySource), audit.rows)
            << "the checkpoint claims more records than the table holds";
        EXPECT_EQ(countRows(w->dsn(), "FROM intouch.sync_runs WHERE outcome = 'running'"), 1)
            << "the killed run stays on record as 'running'";

        const long long rowsAtKill = audit.rows;
        RunResult resume = w->sync({"--stream", "parties", "--wait-lock", "30"});
        ASSERT_EQ(resume.exitCode, 0) << resume.describe();
        const long long requests = w->lastStreamRequests("parties");
        std::cout << "[kill at >= " << threshold << " rows] resumed with " << requests
                  << " requests for " << 3000 - rowsAtKill << " remaining records, "
                  << resume.seconds << " s" << std::endl;
        expectEqualToSource(*w, "parties", "after resume");
        // Page size 20: each page brings 18 new records (the next page starts at the record
        // before the last page's final `modified` group, docs/incremental-sync.md step 3), so
        // a full read is ~167 requests. A resumed run reads only the rest, plus at most
        // ~2*log2(3000) one-record probes to find its place.
        EXPECT_LE(requests, (3000 - rowsAtKill) / 18 + 30)
            << "the resumed run re-read committed pages";
    }
}
