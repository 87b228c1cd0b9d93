#pragma once
// One test's world: a fresh database on the shared PostgreSQL, a simulator of its
// own (tests change its knobs), a config file, and helpers to run the real
// intouch-sync binary the way cron, systemd or Kubernetes would.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/ChildProcess.hpp"
#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"
#include "support/SimulatorProcess.hpp"
#include "support/TempDirectory.hpp"

namespace intouch::opstest {

namespace ts = intouch::testsupport;
namespace pg = intouch::testsupport::pg;
using namespace std::chrono_literals;

std::string syncBinary();
std::string sourceDir();

// Chained setters rather than designated initializers: g++ 12 -Wextra flags every
// member a designated initializer leaves out.
struct WorldOptions {
    int records = 200;
    int pageSize = 50;
    std::vector<std::string> streams = {"parties"};  // the config's `streams:`
    int maxAttempts = 2;      // a CRM that is down fails a test in about a second
    std::string extraConfig;  // appended to the config file verbatim

    WorldOptions& withRecords(int n) {
        records = n;
        return *this;
    }
    WorldOptions& withPageSize(int n) {
        pageSize = n;
        return *this;
    }
    WorldOptions& withStreams(std::vector<std::string> s) {
        streams = std::move(s);
        return *this;
    }
    WorldOptions& withMaxAttempts(int n) {
        maxAttempts = n;
        return *this;
    }
    WorldOptions& withExtraConfig(std::string text) {
        extraConfig = std::move(text);
        return *this;
    }
};

class OpsWorld {
  public:
    explicit OpsWorld(WorldOptions options = {});

    // The password the simulator accepts; the config reads it from $OPS_PASSWORD.
    static constexpr const char* kPassword = "Ops-Pa55word-7f3a";

    // `intouch-sync <args> --config <config>` to completion, with OPS_PASSWORD set.
    ts::CompletedProcess run(std::vector<std::string> args, ts::Environment env = {},
                             std::chrono::milliseconds timeout = 120s) const;
    // The same, started in the background.
    std::unique_ptr<ts::ChildProcess> start(std::vector<std::string> args,
                                            ts::Environment env = {}) const;
    // migrate must succeed: every test starts from a migrated, empty schema.
    void migrate() const;

    // POST /_sim/config?<query>, e.g. "fault_slow=1&slow_ms=300".
    void setKnobs(const std::string& query) const;

    const std::string& dsn() const { return db_.dsn; }
    const std::string& configPath() const { return configPath_; }
    const ts::TempDirectory& dir() const { return dir_; }
    ts::SimulatorProcess& sim() { return *sim_; }
    const ts::SimulatorProcess& sim() const { return *sim_; }

    long scalarLong(const std::string& sql) const { return pg::queryScalar<long>(dsn(), sql); }
    std::string scalarText(const std::string& sql) const;

  private:
    ts::TempDirectory dir_{"ops"};
    ts::TestDatabase db_;
    std::unique_ptr<ts::SimulatorProcess> sim_;
    std::string configPath_;
};

// id -> record_hash of the live rows of intouch.<table>.
std::map<std::string, std::string> tableHashes(const OpsWorld& w, const std::string& table);
// id -> hex MD5 of the compact JSON of each record the simulator holds now.
std::map<std::string, std::string> sourceHashes(const OpsWorld& w, const std::string& stream);
// Empty when equal, else a description of the first differences.
std::string differences(const std::map<std::string, std::string>& table,
                        const std::map<std::string, std::string>& source);

// Polls until done() or the timeout; returns done()'s last answer.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// Text for failure messages: exit code, stdout and stderr tails.
std::string describe(const ts::CompletedProcess& p);

bool contains(const std::string& text, const std::string& part);

}  // namespace intouch::opstest
