#pragma once
// One test's world: a fresh database on the shared PostgreSQL, its own simulator, and a
// temp directory holding the config file, the test's own mapping files and migrations.
// The connector is driven only through its command line, its results are read only
// through SQL and the simulator's control API, as a user would.

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/Json.hpp"
#include "support/ChildProcess.hpp"
#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"
#include "support/SimulatorProcess.hpp"
#include "support/TempDirectory.hpp"

namespace intouch::e2e {

namespace ts = intouch::testsupport;
namespace pg = intouch::testsupport::pg;
namespace fs = std::filesystem;

// How the simulator writes `entered`/`modified` (its --datetime-format).
enum class DateFormat { IsoOffset, IsoLocal, EpochMs };
const char* formatName(DateFormat f);
// For GoogleTest's messages and test names.
inline void PrintTo(DateFormat f, std::ostream* os) {
    *os << formatName(f);
}

// Tables land in this schema; the expected tables in kExpectSchema of the same database.
inline constexpr const char* kSchema = "intouch";
inline constexpr const char* kExpectSchema = "expect";
// The CRM's zone (the simulator's default): date-times without offset are local time there.
inline constexpr const char* kCrmZone = "Europe/Prague";

class E2eWorld {
  public:
    explicit E2eWorld(DateFormat format = DateFormat::IsoOffset, int records = 200);

    // Writes <mappings>/<file> (replacing it).
    void writeMapping(const std::string& file, const std::string& yaml) const;
    // Writes <migrations>/<file>.
    void writeMigration(const std::string& file, const std::string& sql) const;
    // What a user does after writing mappings: `plan`, its SQL saved as <migrations>/<file>,
    // then `migrate`. Empty when both succeed, else the failing command described.
    std::string planAndMigrate(const std::string& file) const;

    // `intouch-sync <args...> --config <config>` to completion, SIM_PASSWORD in its env.
    ts::CompletedProcess run(std::vector<std::string> args) const;

    // GET /_sim/dump/<what> parsed (what may carry a query: "buscases?caseType=2").
    json::Value dump(const std::string& what) const;
    // POST /_sim/mutate?<query>; returns the parsed answer ({"edited":[..],...}).
    json::Value mutate(const std::string& query) const;

    const std::string& dsn() const { return db_.dsn; }
    const fs::path& mappingsDir() const { return mappingsDir_; }
    const fs::path& migrationsDir() const { return migrationsDir_; }
    const std::string& configPath() const { return configPath_; }
    DateFormat format() const { return format_; }
    ts::SimulatorProcess& sim() const { return *sim_; }

    long scalarLong(const std::string& sql) const { return pg::queryScalar<long>(dsn(), sql); }

  private:
    DateFormat format_;
    ts::TempDirectory dir_{"mapping-e2e"};
    ts::TestDatabase db_;
    std::unique_ptr<ts::SimulatorProcess> sim_;
    fs::path mappingsDir_;
    fs::path migrationsDir_;
    std::string configPath_;
};

// Exit code, args and the output tails, for assertion messages.
std::string describe(const ts::CompletedProcess& p);

// The lines of text that start with prefix.
std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix);
bool contains(const std::string& text, const std::string& part);

// The repository's migrations/0001_sync_state.sql (the bookkeeping tables).
std::string repoSyncStateMigration();

}  // namespace intouch::e2e
