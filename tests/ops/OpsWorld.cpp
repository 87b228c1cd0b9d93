#include "OpsWorld.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/Json.hpp"
#include "support/RecordHash.hpp"

namespace intouch::opstest {

std::string syncBinary() {
    // As in the integration suite: $INTOUCH_SYNC_BIN runs the tests against another build
    // (tests/sanitize.sh's TSan pass runs them against ThreadSanitizer builds).
    if (const char* env = std::getenv("INTOUCH_SYNC_BIN"); env != nullptr && *env != '\0') return env;
    return INTOUCH_SYNC_BIN;
}
std::string sourceDir() {
    return INTOUCH_SOURCE_DIR;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

OpsWorld::OpsWorld(WorldOptions options) {
    db_ = ts::SharedPostgres::freshDatabase();
    ts::SimulatorOptions so;
    so.args = {"--records",  std::to_string(options.records),
               "--user",     "api",
               "--password", kPassword,
               "--threads",  "8"};
    sim_ = std::make_unique<ts::SimulatorProcess>(so);

    std::string streams;
    for (const auto& s : options.streams) streams += (streams.empty() ? "" : ", ") + s;
    configPath_ = (dir_ / "sync.yaml").string();
    std::ofstream out(configPath_);
    out << "source:\n"
        << "  url: " << sim_->baseUrl() << "\n"
        << "  username: api\n"
        << "  password: ${OPS_PASSWORD}\n"
        << "  page_size: " << options.pageSize << "\n"
        << "  requests_per_second: 1000\n"
        << "  max_attempts: " << options.maxAttempts << "\n"
        << "  max_retry_wait_seconds: 5\n"
        << "target:\n"
        << "  dsn: \"" << db_.dsn << "\"\n"
        << "  schema: intouch\n"
        << "mappings: " << sourceDir() << "/mappings\n"
        << "migrations: " << sourceDir() << "/migrations\n"
        << "pii:\n"
        << "  key: \"" << ts::kTestPiiKey << "\"\n"
        << "streams: [" << streams << "]\n"
        << options.extraConfig;
    if (!out) throw std::runtime_error("cannot write " + configPath_);
}

ts::CompletedProcess OpsWorld::run(std::vector<std::string> args, ts::Environment env,
                                   std::chrono::milliseconds timeout) const {
    args.push_back("--config");
    args.push_back(configPath_);
    env.try_emplace("OPS_PASSWORD", kPassword);
    return ts::runToCompletion(syncBinary(), args, env, timeout);
}

std::unique_ptr<ts::ChildProcess> OpsWorld::start(std::vector<std::string> args,
                                                  ts::Environment env) const {
    args.push_back("--config");
    args.push_back(configPath_);
    env.try_emplace("OPS_PASSWORD", kPassword);
    return std::make_unique<ts::ChildProcess>(ts::ProcessSpec{.executable = syncBinary(),
                                                              .args = args,
                                                              .env = env,
                                                              .outputDir = dir_.path(),
                                                              .name = "intouch-sync"});
}

void OpsWorld::migrate() const {
    auto p = run({"migrate"});
    if (p.exitCode != 0) throw std::runtime_error("migrate failed: " + describe(p));
}

void OpsWorld::setKnobs(const std::string& query) const {
    auto r = sim_->post("/_sim/config?" + query);
    if (r.status != 200)
        throw std::runtime_error("POST /_sim/config?" + query + ": " + std::to_string(r.status) +
                                 " " + r.body);
}

std::string OpsWorld::scalarText(const std::string& sql) const {
    auto v = pg::queryScalarText(dsn(), sql);
    return v ? *v : "<NULL>";
}

std::map<std::string, std::string> tableHashes(const OpsWorld& w, const std::string& table) {
    std::map<std::string, std::string> out;
    for (const auto& row : pg::queryRows(w.dsn(), "SELECT id::text, record_hash FROM intouch." +
                                                      table + " WHERE deleted_at IS NULL"))
        out[*row[0]] = *row[1];
    return out;
}

std::map<std::string, std::string> sourceHashes(const OpsWorld& w, const std::string& stream) {
    auto r = w.sim().get("/_sim/dump/" + stream);
    if (r.status != 200) throw std::runtime_error("GET /_sim/dump/" + stream + ": " + r.body);
    std::map<std::string, std::string> out;
    const json::Value records = json::parse(r.body);
    for (const json::Value& record : records.items()) {
        std::int64_t id = 0;
        if (!record.find("id") || !record.find("id")->toInt64(id))
            throw std::runtime_error("a " + stream + " record without an integer id");
        out[std::to_string(id)] = ts::expectedRecordHash(stream, record);
    }
    return out;
}

std::string differences(const std::map<std::string, std::string>& table,
                        const std::map<std::string, std::string>& source) {
    std::string out;
    int shown = 0;
    for (const auto& [id, hash] : source) {
        auto it = table.find(id);
        if (it == table.end())
            out += " missing id " + id + ";";
        else if (it->second != hash)
            out += " id " + id + " differs;";
        else
            continue;
        if (++shown == 10) break;
    }
    for (const auto& [id, hash] : table)
        if (!source.count(id) && shown++ < 20) out += " extra id " + id + ";";
    if (!out.empty())
        out = std::to_string(table.size()) + " rows vs " + std::to_string(source.size()) +
              " records:" + out;
    return out;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

std::string describe(const ts::CompletedProcess& p) {
    return "exit " + std::to_string(p.exitCode) + "\n--- stdout ---\n" +
           ts::tailLines(p.stdoutText, 30) + "\n--- stderr ---\n" + ts::tailLines(p.stderrText, 30);
}

}  // namespace intouch::opstest
