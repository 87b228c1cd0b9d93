#include "E2eWorld.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/RecordHash.hpp"

namespace intouch::e2e {

const char* formatName(DateFormat f) {
    switch (f) {
        case DateFormat::IsoOffset: return "iso-offset";
        case DateFormat::IsoLocal: return "iso-local";
        case DateFormat::EpochMs: return "epoch-ms";
    }
    return "?";
}

namespace {

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

E2eWorld::E2eWorld(DateFormat format, int records) : format_(format) {
    db_ = ts::SharedPostgres::freshDatabase();
    ts::SimulatorOptions so;
    so.args = {"--records", std::to_string(records), "--datetime-format", formatName(format),
               "--user",    "api",                   "--password",        "secret"};
    sim_ = std::make_unique<ts::SimulatorProcess>(so);

    mappingsDir_ = dir_ / "mappings";
    migrationsDir_ = dir_ / "migrations";
    fs::create_directories(mappingsDir_);
    fs::create_directories(migrationsDir_);
    writeMigration("0001_sync_state.sql", repoSyncStateMigration());

    configPath_ = (dir_ / "sync.yaml").string();
    std::ostringstream config;
    config << "source: {url: " << sim_->baseUrl()
           << ", username: api, password: \"${SIM_PASSWORD}\", page_size: 50, "
              "requests_per_second: 10000}\n"
           << "target: {dsn: \"" << db_.dsn << "\", schema: " << kSchema << "}\n"
           << "mappings: " << mappingsDir_.string() << "\n"
           << "migrations: " << migrationsDir_.string() << "\n"
           << "pii: {key: \"" << ts::kTestPiiKey << "\"}\n"
           << "sync: {settle_seconds: 0}\n";
    writeText(configPath_, config.str());
}

void E2eWorld::writeMapping(const std::string& file, const std::string& yaml) const {
    writeText(mappingsDir_ / file, yaml);
}

void E2eWorld::writeMigration(const std::string& file, const std::string& sql) const {
    writeText(migrationsDir_ / file, sql);
}

std::string E2eWorld::planAndMigrate(const std::string& file) const {
    auto plan = run({"plan"});
    if (plan.exitCode != 0) return describe(plan);
    writeMigration(file, plan.stdoutText);
    auto migrate = run({"migrate"});
    if (migrate.exitCode != 0) return describe(migrate);
    return "";
}

ts::CompletedProcess E2eWorld::run(std::vector<std::string> args) const {
    args.push_back("--config");
    args.push_back(configPath_);
    return ts::runToCompletion(INTOUCH_SYNC_BIN, args, {{"SIM_PASSWORD", "secret"}},
                               std::chrono::seconds(120));
}

json::Value E2eWorld::dump(const std::string& what) const {
    auto r = sim_->get("/_sim/dump/" + what);
    if (r.status != 200)
        throw std::runtime_error("GET /_sim/dump/" + what + ": " + std::to_string(r.status) +
                                 " " + r.body);
    json::Value v = json::parse(r.body);
    if (!v.isArray()) throw std::runtime_error("/_sim/dump/" + what + " is not an array");
    return v;
}

json::Value E2eWorld::mutate(const std::string& query) const {
    auto r = sim_->post("/_sim/mutate?" + query);
    if (r.status != 200)
        throw std::runtime_error("POST /_sim/mutate?" + query + ": " + std::to_string(r.status) +
                                 " " + r.body);
    return json::parse(r.body);
}

std::string describe(const ts::CompletedProcess& p) {
    return "exit " + std::to_string(p.exitCode) + "\n--- stdout ---\n" +
           ts::tailLines(p.stdoutText, 40) + "\n--- stderr ---\n" + ts::tailLines(p.stderrText, 40);
}

std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string repoSyncStateMigration() {
    const fs::path path = fs::path(INTOUCH_SOURCE_DIR) / "migrations" / "0001_sync_state.sql";
    std::string text = ts::readFile(path);
    if (text.empty()) throw std::runtime_error("cannot read " + path.string());
    return text;
}

}  // namespace intouch::e2e
