#include "SourceWorld.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/PgQuery.hpp"
#include "support/RecordHash.hpp"

namespace intouch::srctest {

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

long long intOf(const json::Value* v) {
    std::int64_t n = 0;
    if (v && v->toInt64(n)) return n;
    return 0;
}

std::map<std::string, long long> countsOf(const json::Value* obj) {
    std::map<std::string, long long> out;
    if (!obj || !obj->isObject()) return out;
    for (const auto& [k, v] : obj->members()) out[k] = intOf(&v);
    return out;
}

// The summary line is the last one with this message (one client per run).
std::string summaryLine(const std::string& log) {
    std::string line, last;
    std::istringstream in(log);
    while (std::getline(in, line))
        if (line.find("CRM requests summary") != std::string::npos) last = line;
    return last;
}

}  // namespace

fs::path sourceDir() { return fs::path(INTOUCH_SOURCE_DIR); }
fs::path syncBinary() { return fs::path(INTOUCH_SYNC_BIN); }

std::string RunResult::describe() const {
    std::ostringstream o;
    o << command << " -> exit " << exitCode << " after " << seconds << " s\n--- stdout ---\n"
      << ts::tailLines(stdoutText, 30) << "\n--- stderr ---\n"
      << ts::tailLines(stderrText, 30);
    return o.str();
}

json::Value simJson(const ts::HttpResponse& response, const std::string& what) {
    if (response.status != 200)
        throw std::runtime_error(what + ": HTTP " + std::to_string(response.status) + ": " +
                                 response.body.substr(0, 300));
    return json::parse(response.body);
}

SimStats simStats(const ts::SimulatorProcess& sim) {
    json::Value v = simJson(sim.get("/_sim/stats"), "GET /_sim/stats");
    SimStats s;
    s.requests = intOf(v.find("requests"));
    s.maxInFlight = intOf(v.find("max_in_flight"));
    s.faults = countsOf(v.find("faults"));
    s.byStatus = countsOf(v.find("by_status"));
    if (const json::Value* t = v.find("request_times_ms"); t && t->isArray())
        for (const auto& ms : t->items()) s.arrivalsMs.push_back(intOf(&ms));
    return s;
}

void resetSimStats(const ts::SimulatorProcess& sim) {
    simJson(sim.post("/_sim/stats/reset"), "POST /_sim/stats/reset");
}

void setKnobs(const ts::SimulatorProcess& sim, const std::string& query) {
    simJson(sim.post("/_sim/config?" + query), "POST /_sim/config?" + query);
}

std::map<std::string, std::string> dumpHashes(const ts::SimulatorProcess& sim, const std::string& stream) {
    json::Value dump = simJson(sim.get("/_sim/dump/" + stream), "GET /_sim/dump/" + stream);
    std::map<std::string, std::string> out;
    for (const auto& rec : dump.items()) {
        const json::Value* id = rec.find("id");
        if (!id) throw std::runtime_error("dump record without id: " + rec.toJson().substr(0, 200));
        out[id->numberText()] = ts::expectedRecordHash(stream, rec);
    }
    return out;
}

std::map<std::string, std::string> tableHashes(const std::string& dsn, const std::string& table) {
    std::map<std::string, std::string> out;
    for (const auto& row : ts::pg::queryRows(
             dsn, "SELECT id::text, record_hash FROM intouch." + table + " WHERE deleted_at IS NULL"))
        out[row.at(0).value_or("")] = row.at(1).value_or("");
    return out;
}

std::map<std::string, long long> retriesByKind(const std::string& log) {
    std::map<std::string, long long> out;
    static const std::regex field(R"(retries_by_kind=(\S+))");
    std::smatch m;
    const std::string line = summaryLine(log);
    if (!std::regex_search(line, m, field) || m[1] == "none") return out;
    std::istringstream parts(m[1].str());
    std::string part;
    while (std::getline(parts, part, ',')) {
        auto colon = part.find(':');
        if (colon != std::string::npos) out[part.substr(0, colon)] = std::stoll(part.substr(colon + 1));
    }
    return out;
}

std::optional<double> summaryField(const std::string& log, const std::string& name) {
    const std::regex field(" " + name + R"(=([0-9.]+))");
    std::smatch m;
    const std::string line = summaryLine(log);
    if (!std::regex_search(line, m, field)) return std::nullopt;
    return std::stod(m[1].str());
}

SourceWorld::SourceWorld(std::vector<std::string> simArgs, bool withDatabase)
    : scratch_("intouch-srctest") {
    sim_ = std::make_unique<ts::SimulatorProcess>(ts::SimulatorOptions{.args = std::move(simArgs)});
    if (withDatabase) db_ = ts::SharedPostgres::freshDatabase();
    writeConfig({});
    if (withDatabase) {
        RunResult m = run({"migrate"});
        if (m.exitCode != 0) throw std::runtime_error("migrate failed: " + m.describe());
    }
}

SourceWorld::~SourceWorld() {
    if (db_.name.empty()) return;
    try {
        ts::SharedPostgres::instance().dropDatabase(db_.name);
    } catch (...) {
    }
}

void SourceWorld::restartSimulator(std::vector<std::string> simArgs) {
    sim_.reset();
    sim_ = std::make_unique<ts::SimulatorProcess>(ts::SimulatorOptions{.args = std::move(simArgs)});
}

void SourceWorld::writeConfig(const std::vector<std::string>& sourceLines,
                              const std::optional<std::string>& url) {
    config_ = scratch_.path() / "sync.yaml";
    std::ofstream out(config_);
    out << "source:\n"
        << "  url: " << yamlQuoted(url.value_or(sim_->baseUrl())) << "\n"
        << "  username: api\n"
        << "  password: \"${SIM_PASSWORD}\"\n";
    for (const auto& line : sourceLines) out << "  " << line << "\n";
    out << "target:\n"
        << "  dsn: " << yamlQuoted(db_.dsn.empty() ? "host=/nonexistent dbname=none" : db_.dsn) << "\n"
        << "  schema: intouch\n"
        << "mappings: " << yamlQuoted((sourceDir() / "mappings").string()) << "\n"
        << "migrations: " << yamlQuoted((sourceDir() / "migrations").string()) << "\n"
        << "pii:\n"
        << "  key: " << yamlQuoted(ts::kTestPiiKey) << "\n"
        << "sync:\n"
        << "  settle_seconds: 0\n";
    out.close();
    if (!out) throw std::runtime_error("cannot write " + config_.string());
}

RunResult SourceWorld::run(std::vector<std::string> args, const std::string& password,
                           std::chrono::milliseconds timeout) const {
    args.insert(args.begin() + 1, {"--config", config_.string()});
    RunResult r;
    r.command = "intouch-sync";
    for (const auto& a : args) r.command += " " + a;
    const auto t0 = std::chrono::steady_clock::now();
    ts::CompletedProcess p =
        ts::runToCompletion(syncBinary().string(), args, ts::Environment{{"SIM_PASSWORD", password}}, timeout);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.exitCode = p.exitCode;
    r.stdoutText = p.stdoutText;
    r.stderrText = p.stderrText;
    return r;
}

}  // namespace intouch::srctest
