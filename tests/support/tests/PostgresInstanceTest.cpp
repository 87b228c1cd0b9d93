#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "support/ChildProcess.hpp"
#include "support/PgQuery.hpp"
#include "support/PostgresInstance.hpp"
#include "support/SharedPostgres.hpp"

namespace fs = std::filesystem;
using namespace intouch::testsupport;

namespace {

// The postmaster is a daemon reparented to PID 1, which may reap it a little later: a zombie
// counts as gone, and it gets a moment to finish exiting.
bool processGone(pid_t pid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
        const std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
        const auto close = stat.rfind(')');
        if (close != std::string::npos && stat.compare(close, 4, ") Z ") == 0) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

TEST(PostgresInstance, RoundTripsUtf8AndLeavesNothingBehind) {
    fs::path dataDir;
    fs::path rootDir;
    long postmasterPid = 0;
    {
        const auto started = std::chrono::steady_clock::now();
        PostgresInstance pg;
        const auto startup = std::chrono::steady_clock::now() - started;
        RecordProperty("startup_ms",
                       static_cast<int>(
                           std::chrono::duration_cast<std::chrono::milliseconds>(startup).count()));
        EXPECT_LT(startup, std::chrono::seconds(20)) << "PostgreSQL start-up is too slow";

        dataDir = pg.dataDir();
        rootDir = dataDir.parent_path();
        ASSERT_TRUE(fs::exists(dataDir / "PG_VERSION"));
        postmasterPid = std::strtol(readFile(dataDir / "postmaster.pid").c_str(), nullptr, 10);
        ASSERT_GT(postmasterPid, 0);
        if (::geteuid() == 0) {
            struct stat st {};
            ASSERT_EQ(::stat(dataDir.c_str(), &st), 0);
            EXPECT_NE(st.st_uid, 0u) << "running as root, the server must run as another user";
        }

        const std::string dsn = pg.createDatabase("roundtrip");
        EXPECT_NE(dsn.find("dbname=roundtrip"), std::string::npos);
        EXPECT_NE(dsn.find("host=" + pg.socketDir().string()), std::string::npos);
        EXPECT_NE(dsn.find("port=" + std::to_string(pg.port())), std::string::npos);
        EXPECT_NE(dsn.find("user=postgres"), std::string::npos);

        pg::exec(dsn, "CREATE TABLE composer (id int PRIMARY KEY, name text NOT NULL)");
        pg::exec(dsn, "INSERT INTO composer VALUES (1, 'Dvořák')");
        EXPECT_EQ(pg::queryScalar<std::string>(dsn, "SELECT name FROM composer WHERE id = 1"),
                  "Dvořák");
        // Characters, not bytes: proves the cluster really is UTF-8.
        EXPECT_EQ(pg::queryScalar<int>(dsn, "SELECT length(name) FROM composer"), 6);
        EXPECT_EQ(pg::queryScalar<std::string>(dsn, "SHOW server_encoding"), "UTF8");
        EXPECT_EQ(pg::queryScalar<std::string>(dsn, "SHOW listen_addresses"), "");
        EXPECT_EQ(pg::queryScalar<std::string>(dsn, "SHOW fsync"), "off");
        // The URI form reaches the same database.
        EXPECT_EQ(pg::queryScalar<long>(pg.uri("roundtrip"), "SELECT count(*) FROM composer"), 1);

        pg.dropDatabase("roundtrip");
        EXPECT_EQ(pg::queryScalar<long>(
                      pg.dsn(), "SELECT count(*) FROM pg_database WHERE datname = 'roundtrip'"),
                  0);
    }
    EXPECT_FALSE(fs::exists(dataDir)) << "data directory left behind";
    EXPECT_FALSE(fs::exists(rootDir)) << "temp directory left behind";
    EXPECT_TRUE(processGone(static_cast<pid_t>(postmasterPid)))
        << "postmaster " << postmasterPid << " still running after destruction";
}

TEST(PostgresInstance, SettingsArePassedToTheServer) {
    PostgresInstance pg(PostgresOptions{.settings = {"application_name=it's quoted"}});
    EXPECT_EQ(pg::queryScalar<std::string>(pg.dsn(), "SHOW application_name"), "it's quoted");
}

TEST(PostgresInstance, FindBinDirHonoursEnvironment) {
    const fs::path found = PostgresInstance::findBinDir();
    EXPECT_TRUE(fs::exists(found / "initdb"));
    EXPECT_TRUE(fs::exists(found / "pg_ctl"));

    ::setenv("INTOUCH_PG_BINDIR", "/nonexistent/pg/bin", 1);
    EXPECT_THROW(PostgresInstance::findBinDir(), std::runtime_error);
    ::setenv("INTOUCH_PG_BINDIR", found.c_str(), 1);
    EXPECT_EQ(PostgresInstance::findBinDir(), found);
    ::unsetenv("INTOUCH_PG_BINDIR");
}

TEST(PostgresInstance, StartFailureThrowsWithReason) {
    try {
        PostgresInstance pg(PostgresOptions{.settings = {"no_such_setting_xyz=1"}});
        FAIL() << "server started despite an invalid setting";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no_such_setting_xyz"), std::string::npos) << e.what();
    }
}

TEST(SharedPostgres, FreshDatabasesAreIsolatedOnOneServer) {
    TestDatabase a = SharedPostgres::freshDatabase();
    TestDatabase b = SharedPostgres::freshDatabase();
    EXPECT_NE(a.name, b.name);
    // Named after the test (truncated) so a kept cluster is easy to read.
    EXPECT_EQ(a.name.rfind("t_sharedpostgres_freshdatabasesareisolated_", 0), 0u) << a.name;
    EXPECT_LE(a.name.size(), 63u);
    EXPECT_EQ(&SharedPostgres::instance(), &SharedPostgres::instance());

    pg::exec(a.dsn, "CREATE TABLE only_in_a (x int)");
    EXPECT_EQ(pg::queryScalar<long>(a.dsn,
                                    "SELECT count(*) FROM pg_tables WHERE tablename = "
                                    "'only_in_a'"),
              1);
    EXPECT_EQ(pg::queryScalar<long>(b.dsn,
                                    "SELECT count(*) FROM pg_tables WHERE tablename = "
                                    "'only_in_a'"),
              0);
    EXPECT_EQ(pg::queryScalar<std::string>(a.uri, "SELECT current_database()"), a.name);

    TestDatabase hinted = SharedPostgres::freshDatabase("My Hint!");
    EXPECT_EQ(hinted.name.rfind("t_my_hint__", 0), 0u) << hinted.name;
}
