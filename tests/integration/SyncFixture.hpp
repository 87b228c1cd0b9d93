#pragma once
// The world of one end-to-end test: a fresh PostgreSQL database (on the process's shared
// server), a running intouch-sim, and a config file for the real intouch-sync binary that
// points at both. Tests drive the connector only through its command line and look at the
// results only through SQL and the simulator's control API, as a user would.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/Json.hpp"
#include "support/ChildProcess.hpp"
#include "support/SharedPostgres.hpp"
#include "support/SimulatorProcess.hpp"
#include "support/TempDirectory.hpp"

namespace intouch::itest {

namespace ts = intouch::testsupport;

// Command-line flags of intouch-sim (see simulator/README.md).
struct SimSettings {
    unsigned seed = 42;
    int records = 500;
    int tieSize = 1;
    bool shuffleTies = false;
    std::string datetimeFormat = "iso-offset";
    int mutatePerRequest = 0;
    std::string mutateStreams = "parties";
    std::string user = "api";
    std::string password = "secret";
    std::vector<std::string> extraArgs{};

    std::vector<std::string> args() const;
    std::string describe() const;
};

// What goes into the connector's config file.
struct ConfigSettings {
    int pageSize = 50;
    double requestsPerSecond = 10000;
    double settleSeconds = 0;
    std::optional<std::string> url{};  // default: the simulator's baseUrl()
    std::string username = "api";
    std::string password = "${SIM_PASSWORD}";  // expanded by the connector from its env
    std::optional<std::string> migrationsDir{};  // default: <repo>/migrations
    std::optional<std::string> mappingsDir{};    // default: <repo>/mappings
    std::vector<std::string> extraSyncLines{};   // e.g. "reconcile: never"
    std::vector<std::string> extraSourceLines{};  // e.g. "max_attempts: 2"
    // The embedded target: `target: {sqlite: crm.db}` in the scratch directory instead of
    // the world's PostgreSQL database (which then stays empty).
    bool sqlite = false;
};

struct RunResult {
    int exitCode = -1;
    std::string stdoutText;
    std::string stderrText;
    double seconds = 0;
    std::vector<std::string> args;

    // "intouch-sync sync --config ... -> exit 3 after 1.2 s" plus the output tails.
    std::string describe() const;
};

// Repository paths and the binary under test.
std::filesystem::path sourceDir();
std::filesystem::path syncBinary();
std::filesystem::path mappingsDir();
std::filesystem::path migrationsDir();

// Streams with a `modified` cursor, and all streams, as named in mappings/*.yaml.
const std::vector<std::string>& incrementalStreams();
const std::vector<std::string>& allStreams();

class SyncWorld {
  public:
    SyncWorld(SimSettings sim = {}, ConfigSettings config = {}, const std::string& dbHint = "");
    ~SyncWorld();

    SyncWorld(const SyncWorld&) = delete;
    SyncWorld& operator=(const SyncWorld&) = delete;

    ts::SimulatorProcess& sim() { return *sim_; }
    const ts::SimulatorProcess& sim() const { return *sim_; }
    const ts::TestDatabase& db() const { return db_; }
    const std::string& dsn() const { return db_.dsn; }
    const std::filesystem::path& configPath() const { return configPath_; }
    const SimSettings& simSettings() const { return simSettings_; }
    const ConfigSettings& configSettings() const { return configSettings_; }
    const std::filesystem::path& scratch() const { return scratch_.path(); }
    bool sqlite() const { return configSettings_.sqlite; }
    std::filesystem::path sqlitePath() const { return scratch_.path() / "crm.db"; }

    // Rewrites the config file (the database and simulator stay).
    void writeConfig(const ConfigSettings& config);
    // Stops the simulator and starts a new one with other settings (data regenerated).
    void restartSimulator(const SimSettings& sim);

    // Runs `intouch-sync <command> --config FILE <args...>` to completion.
    RunResult run(const std::string& command, const std::vector<std::string>& args = {},
                  std::chrono::milliseconds timeout = std::chrono::minutes(5)) const;
    RunResult migrate() const { return run("migrate"); }
    RunResult sync(const std::vector<std::string>& args = {}) const { return run("sync", args); }
    RunResult reconcile(const std::vector<std::string>& args = {}) const {
        return run("reconcile", args);
    }
    // Starts `intouch-sync sync ...` in the background (to kill it).
    std::unique_ptr<ts::ChildProcess> startSync(const std::vector<std::string>& args = {}) const;

    // The child environment: SIM_PASSWORD=<simulator password>.
    ts::Environment childEnv() const;

    // Simulator control API; these fail the test (throw) on a non-200 answer.
    json::Value simGet(const std::string& pathAndQuery) const;
    json::Value simPost(const std::string& pathAndQuery) const;
    void setKnobs(const std::string& query) const;  // POST /_sim/config?<query>
    // Total mutations the simulator applied so far (edits + inserts + deletes, /_sim/stats).
    long long mutationCount() const;

    // sync_stream_runs.requests of the newest run of a stream.
    long long lastStreamRequests(const std::string& stream) const;
    // The newest sync_runs row as {column -> text}.
    std::optional<std::string> lastRunValue(const std::string& column) const;

  private:
    void startSimulator();

    SimSettings simSettings_;
    ConfigSettings configSettings_;
    ts::TempDirectory scratch_;
    ts::TestDatabase db_;
    std::unique_ptr<ts::SimulatorProcess> sim_;
    std::filesystem::path configPath_;
    mutable int runCounter_ = 0;
};

// Throws unless the JSON answer is 200; parses the body.
json::Value parseBody(const ts::HttpResponse& response, const std::string& what);

// Wall clock helper for logs.
double secondsSince(std::chrono::steady_clock::time_point t0);

// Polls cond every `every` until it is true or the timeout passes; returns the last result.
template <class Cond>
bool pollUntil(Cond cond, std::chrono::milliseconds timeout,
               std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(every);
    }
}

}  // namespace intouch::itest
