// Issue 16, item 5: one config lists several CRMs (`sources:`), each synced into its own
// schema by a child run of its own; `--source` picks, `--parallel` overlaps them, a source
// that fails leaves the others synced and the exit code is the worst one.

#include <gtest/gtest.h>

#include <fstream>

#include "OpsWorld.hpp"
#include "support/RecordHash.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

// Two simulators (the world's with 60 records, a second with 40) in one config.
struct TwoCrms {
    OpsWorld w;
    std::unique_ptr<ts::SimulatorProcess> second;
    std::string config;

    explicit TwoCrms(int first = 60, int other = 40, int pageSize = 50)
        : w(WorldOptions().withRecords(first)) {
        ts::SimulatorOptions so;
        so.args = {"--records", std::to_string(other), "--user", "api", "--password",
                   OpsWorld::kPassword};
        second = std::make_unique<ts::SimulatorProcess>(so);
        config = (w.dir() / "warehouse.yaml").string();
        fs::create_directories(w.dir() / "metrics");
        const std::string common = "username: api, password: \"${OPS_PASSWORD}\", page_size: " +
                                   std::to_string(pageSize) + ", "
                                   "requests_per_second: 1000, max_attempts: 2, "
                                   "max_retry_wait_seconds: 2";
        std::ofstream(config) << "sources:\n"
                              << "  - {name: firma-a, url: " << w.sim().baseUrl()
                              << ", schema: firma_a, " << common << "}\n"
                              << "  - {name: firma-b, url: " << second->baseUrl()
                              << ", schema: firma_b, " << common << "}\n"
                              << "target: {dsn: \"" << w.dsn() << "\"}\n"
                              << "mappings: " << sourceDir() << "/mappings\n"
                              << "migrations: " << sourceDir() << "/migrations\n"
                              << "streams: [parties]\n"
                              << "pii: {key: \"" << ts::kTestPiiKey << "\"}\n"
                              << "metrics: {file: metrics/intouch_sync.prom}\n";
    }
    ts::CompletedProcess run(std::vector<std::string> args) const {
        args.insert(args.end(), {"--config", config});
        return ts::runToCompletion(syncBinary(), args, {{"OPS_PASSWORD", OpsWorld::kPassword}},
                                   180s);
    }
    long rows(const std::string& schema) const {
        return w.scalarLong("SELECT count(*) FROM " + schema + ".parties");
    }
};

TEST(ManySources, EachSourceSyncsIntoItsOwnSchemaWithItsOwnMetricsAndStatus) {
    INTOUCH_REQUIRE_SIMULATOR();
    TwoCrms crms;
    auto migrate = crms.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    auto sync = crms.run({"sync", "--parallel", "2"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(crms.rows("firma_a"), 60);
    EXPECT_EQ(crms.rows("firma_b"), 40);
    EXPECT_TRUE(contains(sync.stdoutText, "== source firma-a: exit 0 ==")) << sync.stdoutText;
    EXPECT_TRUE(contains(sync.stdoutText, "== source firma-b: exit 0 ==")) << sync.stdoutText;
    EXPECT_TRUE(contains(sync.stderrText, "source=firma-b")) << "log lines name their source";

    for (const char* source : {"firma-a", "firma-b"}) {
        const std::string prom =
            ts::readFile(crms.w.dir() / "metrics" / ("intouch_sync_" + std::string(source) + ".prom"));
        EXPECT_TRUE(contains(prom, "intouch_sync_stream_records_seen{source=\"" +
                                       std::string(source) + "\",schema=\""))
            << prom;
    }

    auto status = crms.run({"status"});
    EXPECT_EQ(status.exitCode, 0) << describe(status);
    EXPECT_TRUE(contains(status.stdoutText, "== source firma-a") &&
                contains(status.stdoutText, "== source firma-b"))
        << status.stdoutText;

    // --source picks one: only firma-b's run history grows.
    auto one = crms.run({"sync", "--source", "firma-b"});
    ASSERT_EQ(one.exitCode, 0) << describe(one);
    EXPECT_EQ(crms.w.scalarLong("SELECT count(*) FROM firma_a.sync_runs"), 1);
    EXPECT_EQ(crms.w.scalarLong("SELECT count(*) FROM firma_b.sync_runs"), 2);

    auto unknown = crms.run({"sync", "--source", "firma-x"});
    EXPECT_EQ(unknown.exitCode, 2) << describe(unknown);
    EXPECT_TRUE(contains(unknown.stderrText, "firma-a, firma-b")) << unknown.stderrText;
}

TEST(ManySources, ACrmThatIsDownLeavesTheOtherSyncedAndTheRunExits5) {
    INTOUCH_REQUIRE_SIMULATOR();
    TwoCrms crms;
    ASSERT_EQ(crms.run({"migrate"}).exitCode, 0);
    crms.second->stop();
    auto sync = crms.run({"sync", "--parallel", "2"});
    EXPECT_EQ(sync.exitCode, 5) << describe(sync);
    EXPECT_EQ(crms.rows("firma_a"), 60);
    EXPECT_EQ(crms.rows("firma_b"), 0);
    EXPECT_TRUE(contains(sync.stdoutText, "== source firma-b: exit 5 ==")) << sync.stdoutText;
}

// Where only the parent gets SIGTERM (a container's PID 1), it passes the stop on: every
// source commits what it has, records the run as interrupted, and the whole exits 8.
TEST(ManySources, SigtermToTheParentStopsEverySourceGracefully) {
    INTOUCH_REQUIRE_SIMULATOR();
    TwoCrms crms(300, 300, 20);
    ASSERT_EQ(crms.run({"migrate"}).exitCode, 0);
    crms.w.setKnobs("fault_slow=1&slow_ms=150");
    ASSERT_EQ(crms.second->post("/_sim/config?fault_slow=1&slow_ms=150").status, 200);
    ts::ChildProcess run(ts::ProcessSpec{.executable = syncBinary(),
                                         .args = {"sync", "--parallel", "2", "--config", crms.config},
                                         .env = {{"OPS_PASSWORD", OpsWorld::kPassword}},
                                         .outputDir = crms.w.dir().path(),
                                         .name = "fan-out"});
    ASSERT_TRUE(waitUntil([&] { return crms.rows("firma_a") >= 40 && crms.rows("firma_b") >= 40; },
                          60s))
        << run.stderrText();
    run.terminate();  // the parent only
    ASSERT_EQ(run.wait(20s), 8) << run.stderrText();
    for (const char* schema : {"firma_a", "firma_b"}) {
        EXPECT_LT(crms.rows(schema), 300) << schema << " was not stopped in the middle";
        EXPECT_EQ(crms.w.scalarText(std::string("SELECT outcome FROM ") + schema + ".sync_runs"),
                  "interrupted");
    }
}

}  // namespace
}  // namespace intouch::opstest
