#pragma once
// The world of one fetcher test: a running intouch-sim (the CRM), optionally a fresh,
// migrated PostgreSQL database, and a config file for the real intouch-sync binary. Tests
// look at what happened through the simulator's control API (/_sim/stats records every
// request's arrival), the connector's exit code and output, and SQL.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.hpp"
#include "support/ChildProcess.hpp"
#include "support/SharedPostgres.hpp"
#include "support/SimulatorProcess.hpp"
#include "support/TempDirectory.hpp"

namespace intouch::srctest {

namespace ts = intouch::testsupport;

std::filesystem::path sourceDir();
std::filesystem::path syncBinary();

struct RunResult {
    int exitCode = -1;
    std::string stdoutText;
    std::string stderrText;
    double seconds = 0;
    std::string command;

    std::string output() const { return stdoutText + stderrText; }
    // "intouch-sync sync ... -> exit 5 after 1.2 s" plus the output tails.
    std::string describe() const;
};

// What /_sim/stats says.
struct SimStats {
    long long requests = 0;
    std::vector<long long> arrivalsMs;  // epoch ms of each /api request, oldest first
    long long maxInFlight = 0;
    std::map<std::string, long long> faults;    // "429" -> n
    std::map<std::string, long long> byStatus;  // "200" -> n
};

SimStats simStats(const ts::SimulatorProcess& sim);
void resetSimStats(const ts::SimulatorProcess& sim);
// POST /_sim/config?<query>; throws unless 200.
void setKnobs(const ts::SimulatorProcess& sim, const std::string& query);
json::Value simJson(const ts::HttpResponse& response, const std::string& what);

// "parties" -> ids with hex MD5 of each record's compact JSON as the API serves it.
std::map<std::string, std::string> dumpHashes(const ts::SimulatorProcess& sim, const std::string& stream);
// The same from the table the connector wrote (live rows only).
std::map<std::string, std::string> tableHashes(const std::string& dsn, const std::string& table);

// "retries_by_kind=429:3,5xx:1" from the connector's summary line -> {"429":3,"5xx":1}.
std::map<std::string, long long> retriesByKind(const std::string& log);
// A numeric field of the summary line, e.g. "connections"; nullopt when absent.
std::optional<double> summaryField(const std::string& log, const std::string& field);

class SourceWorld {
public:
    // Starts intouch-sim with `simArgs` (plus --port 0); withDatabase also creates a fresh
    // database and migrates it with the connector itself.
    explicit SourceWorld(std::vector<std::string> simArgs, bool withDatabase = true);
    ~SourceWorld();
    SourceWorld(const SourceWorld&) = delete;
    SourceWorld& operator=(const SourceWorld&) = delete;

    ts::SimulatorProcess& sim() { return *sim_; }
    const std::string& dsn() const { return db_.dsn; }
    const std::filesystem::path& scratch() const { return scratch_.path(); }

    // Rewrites the config: url of the simulator (unless `url` is given), user api with the
    // password from $SIM_PASSWORD, and `sourceLines` ("key: value") in the source section.
    void writeConfig(const std::vector<std::string>& sourceLines,
                     const std::optional<std::string>& url = std::nullopt);

    // Runs `intouch-sync <args...> --config FILE` to completion with $SIM_PASSWORD set.
    RunResult run(std::vector<std::string> args, const std::string& password = "secret",
                  std::chrono::milliseconds timeout = std::chrono::minutes(3)) const;

    // Restarts the simulator with other arguments (keeps the database and config).
    void restartSimulator(std::vector<std::string> simArgs);

private:
    ts::TempDirectory scratch_;
    ts::TestDatabase db_;
    std::unique_ptr<ts::SimulatorProcess> sim_;
    std::filesystem::path config_;
};

}  // namespace intouch::srctest
