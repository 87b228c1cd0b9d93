#pragma once
// A throwaway PostgreSQL server owned by one test process. Tests run against a real server
// (house rule) but must not depend on, or disturb, any server already on the machine: this one
// lives in its own temp directory and listens only on a unix socket inside it.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/TempDirectory.hpp"

namespace intouch::testsupport {

struct PostgresOptions {
    // Directory with initdb and pg_ctl; empty = PostgresInstance::findBinDir().
    std::filesystem::path binDir{};
    // Extra "name=value" server settings, each passed as -c name=value.
    std::vector<std::string> settings{};
    std::chrono::seconds startTimeout{60};
};

class PostgresInstance {
  public:
    // initdb + start; blocks until the server accepts connections. Throws std::runtime_error
    // with initdb's output or the server log tail when that fails.
    explicit PostgresInstance(PostgresOptions options = {});
    // Stops the server (immediate mode: nothing in it is worth a clean shutdown) and removes
    // the data directory.
    ~PostgresInstance();

    PostgresInstance(const PostgresInstance&) = delete;
    PostgresInstance& operator=(const PostgresInstance&) = delete;

    // Stops the server now; idempotent. Files are removed by the destructor.
    void stop() noexcept;
    // Stops the server in immediate mode (every connection dies, as in a crash) and starts
    // it again on the same port and socket; blocks until it accepts connections.
    void restart();

    // libpq keyword/value connection string: "host=SOCKDIR port=PORT user=postgres dbname=..."
    std::string dsn(const std::string& dbname = "postgres") const;
    // The same as a postgresql:// URI, for configs that want a URL.
    std::string uri(const std::string& dbname = "postgres") const;

    // CREATE DATABASE name (name is quoted as an identifier); returns its dsn().
    std::string createDatabase(const std::string& name);
    void dropDatabase(const std::string& name);

    const std::filesystem::path& socketDir() const { return socketDir_; }
    int port() const { return port_; }
    const std::filesystem::path& dataDir() const { return dataDir_; }
    const std::filesystem::path& logFile() const { return logFile_; }
    const std::filesystem::path& binDir() const { return binDir_; }
    // The database superuser tests connect as.
    static std::string superuser() { return "postgres"; }
    // Last lines of the server log, for failure messages.
    std::string logTail(std::size_t lines = 40) const;

    // $INTOUCH_PG_BINDIR, else `pg_config --bindir` if it holds initdb, else the highest
    // /usr/lib/postgresql/<version>/bin. Throws if none has initdb and pg_ctl.
    static std::filesystem::path findBinDir();

  private:
    // Runs a PostgreSQL tool, via runuser as an unprivileged OS user when we are root, since
    // the server refuses to run as root.
    int runTool(const std::string& tool, const std::vector<std::string>& args, std::string* output);

    std::filesystem::path binDir_;
    std::string serverOptions_;
    std::chrono::seconds startTimeout_{60};
    std::string osUser_;  // empty when not root: run the tools as ourselves
    TempDirectory root_;
    std::filesystem::path dataDir_;
    std::filesystem::path socketDir_;
    std::filesystem::path logFile_;
    int port_ = 0;
    bool running_ = false;
};

// Binds 127.0.0.1:0 and returns the port the kernel chose (then releases it).
int pickFreeTcpPort();

}  // namespace intouch::testsupport
