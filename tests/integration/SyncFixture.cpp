#include "SyncFixture.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/PgQuery.hpp"
#include "support/RecordHash.hpp"

#include "TargetQuery.hpp"

namespace intouch::itest {

namespace fs = std::filesystem;

namespace {

std::string yamlQuoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string formatNumber(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}

}  // namespace

std::vector<std::string> SimSettings::args() const {
    std::vector<std::string> a = {"--seed",
                                  std::to_string(seed),
                                  "--records",
                                  std::to_string(records),
                                  "--tie-size",
                                  std::to_string(tieSize),
                                  "--datetime-format",
                                  datetimeFormat,
                                  "--mutate-per-request",
                                  std::to_string(mutatePerRequest),
                                  "--mutate-streams",
                                  mutateStreams,
                                  "--user",
                                  user,
                                  "--password",
                                  password};
    if (shuffleTies) a.push_back("--shuffle-ties");
    a.insert(a.end(), extraArgs.begin(), extraArgs.end());
    return a;
}

std::string SimSettings::describe() const {
    std::string out = "intouch-sim";
    for (const auto& a : args()) out += " " + a;
    return out;
}

std::string RunResult::describe() const {
    std::ostringstream o;
    o << "intouch-sync";
    for (const auto& a : args) o << ' ' << a;
    o << " -> exit " << exitCode << " after " << seconds << " s\n--- stdout ---\n"
      << ts::tailLines(stdoutText, 40) << "\n--- stderr ---\n"
      << ts::tailLines(stderrText, 40);
    return o.str();
}

fs::path sourceDir() { return fs::path(INTOUCH_SOURCE_DIR); }
fs::path syncBinary() {
    // Like INTOUCH_SIM_BIN for the simulator: run the suite against another build.
    if (const char* env = std::getenv("INTOUCH_SYNC_BIN"); env != nullptr && *env != '\0')
        return fs::path(env);
    return fs::path(INTOUCH_SYNC_BIN);
}
fs::path mappingsDir() { return sourceDir() / "mappings"; }
fs::path migrationsDir() { return sourceDir() / "migrations"; }

const std::vector<std::string>& incrementalStreams() {
    static const std::vector<std::string> s = {"parties",  "comm",     "opportunities",
                                               "buscases", "invoices", "products",
                                               "stores",   "notes"};
    return s;
}

const std::vector<std::string>& allStreams() {
    static const std::vector<std::string> s = {
        "parties", "members",  "comm",   "opportunities", "buscases", "invoices",
        "products", "stores", "notes",  "lists",         "files"};
    return s;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

json::Value parseBody(const ts::HttpResponse& response, const std::string& what) {
    if (response.status != 200) {
        throw std::runtime_error(what + ": HTTP " + std::to_string(response.status) + ": " +
                                 response.body.substr(0, 500));
    }
    return json::parse(response.body);
}

SyncWorld::SyncWorld(SimSettings sim, ConfigSettings config, const std::string& dbHint)
    : simSettings_(std::move(sim)),
      configSettings_(std::move(config)),
      scratch_("intouch-itest"),
      db_(ts::SharedPostgres::freshDatabase(dbHint)) {
    startSimulator();
    writeConfig(configSettings_);
}

SyncWorld::~SyncWorld() {
    // Databases are dropped with the server at process exit; dropping here keeps a long
    // randomized run from accumulating hundreds of them.
    try {
        ts::SharedPostgres::instance().dropDatabase(db_.name);
    } catch (...) {
    }
}

void SyncWorld::startSimulator() {
    sim_.reset();
    sim_ = std::make_unique<ts::SimulatorProcess>(ts::SimulatorOptions{.args = simSettings_.args()});
}

void SyncWorld::restartSimulator(const SimSettings& sim) {
    simSettings_ = sim;
    startSimulator();
    writeConfig(configSettings_);
}

void SyncWorld::writeConfig(const ConfigSettings& c) {
    configSettings_ = c;
    configPath_ = scratch_.path() / "sync.yaml";
    std::ofstream out(configPath_);
    out << "source:\n"
        << "  url: " << yamlQuoted(c.url.value_or(sim_->baseUrl())) << "\n"
        << "  username: " << yamlQuoted(c.username) << "\n"
        << "  password: " << yamlQuoted(c.password) << "\n"
        << "  page_size: " << c.pageSize << "\n"
        << "  requests_per_second: " << formatNumber(c.requestsPerSecond) << "\n";
    for (const auto& line : c.extraSourceLines) out << "  " << line << "\n";
    if (c.sqlite)
        out << "target:\n  sqlite: crm.db\n";  // relative to the config file: the scratch dir
    else
        out << "target:\n"
            << "  dsn: " << yamlQuoted(db_.dsn) << "\n"
            << "  schema: intouch\n";
    out << "mappings: " << yamlQuoted(c.mappingsDir.value_or(mappingsDir().string())) << "\n"
        << "migrations: " << yamlQuoted(c.migrationsDir.value_or(migrationsDir().string()))
        << "\n"
        << "pii:\n"
        << "  key: " << yamlQuoted(ts::kTestPiiKey) << "\n"
        << "sync:\n"
        << "  settle_seconds: " << formatNumber(c.settleSeconds) << "\n";
    for (const auto& line : c.extraSyncLines) out << "  " << line << "\n";
    out.close();
    if (!out) throw std::runtime_error("cannot write " + configPath_.string());
}

ts::Environment SyncWorld::childEnv() const {
    return ts::Environment{{"SIM_PASSWORD", simSettings_.password}};
}

RunResult SyncWorld::run(const std::string& command, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) const {
    std::vector<std::string> full = {command, "--config", configPath_.string()};
    full.insert(full.end(), args.begin(), args.end());
    const auto t0 = std::chrono::steady_clock::now();
    ts::CompletedProcess p = ts::runToCompletion(syncBinary().string(), full, childEnv(), timeout);
    ++runCounter_;
    return RunResult{p.exitCode, p.stdoutText, p.stderrText, secondsSince(t0), full};
}

std::unique_ptr<ts::ChildProcess> SyncWorld::startSync(const std::vector<std::string>& args) const {
    std::vector<std::string> full = {"sync", "--config", configPath_.string()};
    full.insert(full.end(), args.begin(), args.end());
    return std::make_unique<ts::ChildProcess>(ts::ProcessSpec{.executable = syncBinary().string(),
                                                              .args = full,
                                                              .env = childEnv(),
                                                              .outputDir = scratch_.path(),
                                                              .name = "intouch-sync"});
}

json::Value SyncWorld::simGet(const std::string& pathAndQuery) const {
    return parseBody(sim_->get(pathAndQuery), "GET " + pathAndQuery);
}

json::Value SyncWorld::simPost(const std::string& pathAndQuery) const {
    return parseBody(sim_->post(pathAndQuery), "POST " + pathAndQuery);
}

void SyncWorld::setKnobs(const std::string& query) const { simPost("/_sim/config?" + query); }

long long SyncWorld::mutationCount() const {
    json::Value stats = simGet("/_sim/stats");
    long long total = 0;
    if (const json::Value* m = stats.find("mutations")) {
        for (const char* k : {"edited", "inserted", "deleted"}) {
            std::int64_t n = 0;
            if (const json::Value* v = m->find(k); v != nullptr && v->toInt64(n)) total += n;
        }
    }
    return total;
}

long long SyncWorld::lastStreamRequests(const std::string& stream) const {
    const auto rows = targetRows(*this, "SELECT requests FROM intouch.sync_stream_runs WHERE stream = '" +
                                            stream + "' ORDER BY run_id DESC LIMIT 1");
    if (rows.empty() || !rows[0].at(0)) throw std::runtime_error("no sync_stream_runs row for " + stream);
    return std::stoll(*rows[0][0]);
}

std::optional<std::string> SyncWorld::lastRunValue(const std::string& column) const {
    const auto rows = targetRows(*this, "SELECT " + textOf(*this, column) +
                                            " FROM intouch.sync_runs ORDER BY run_id DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    return rows[0].at(0);
}

}  // namespace intouch::itest
