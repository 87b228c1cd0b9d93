#include "cli/StreamHealth.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "common/SqlIdentifier.hpp"
#include "state/RunHistory.hpp"
#include "state/StateStore.hpp"

namespace intouch {

std::int64_t nowUtcMicros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatLag(double seconds) {
    const bool negative = seconds < 0;
    auto s = static_cast<std::int64_t>(negative ? -seconds : seconds);
    char buf[48];
    if (s >= 86400)
        std::snprintf(buf, sizeof buf, "%lldd %02lldh", static_cast<long long>(s / 86400),
                      static_cast<long long>(s % 86400 / 3600));
    else if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lldh %02lldm", static_cast<long long>(s / 3600),
                      static_cast<long long>(s % 3600 / 60));
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(s / 60),
                      static_cast<long long>(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    // A checkpoint ahead of our clock means the clocks disagree: show it, do not hide it.
    // (Appended, not `"-" + std::string(buf)`: g++ 12 -O3 false -Wrestrict, GCC bug 105329.)
    return std::string(negative ? "-" : "").append(buf);
}

std::vector<StreamHealth> readStreamHealth(pqxx::transaction_base& tx, const std::string& schema,
                                           const std::vector<StreamSpec>& streams,
                                           std::int64_t nowMicros) {
    // Timestamps come back as text; in UTC they parse without knowing the
    // server's TimeZone setting.
    tx.exec("SET LOCAL TIME ZONE 'UTC'");
    std::map<std::string, StreamStateRow> checkpoints;
    for (auto& row : StateStore(schema).all(tx)) checkpoints[row.stream] = row;
    std::map<std::string, StreamRunSummary> runs;
    for (auto& r : RunHistory(schema).lastRuns(tx)) runs[r.stream] = r;
    // The table came with migration 0005: a schema not migrated since has no mark to show.
    std::set<std::string> owed;
    const std::string owedTable = qualified(schema, "sync_versions_owed");
    if (tx.exec_params("SELECT to_regclass($1) IS NOT NULL", owedTable)[0][0].as<bool>())
        for (const auto& row : tx.exec("SELECT stream FROM " + owedTable)) owed.insert(row[0].c_str());

    std::vector<StreamHealth> out;
    for (const auto& spec : streams) {
        StreamHealth h;
        h.stream = spec.name;
        h.incremental = spec.mode == SyncMode::Incremental;
        if (auto it = checkpoints.find(spec.name); it != checkpoints.end())
            h.checkpointMicros = it->second.checkpoint.modifiedMicros;
        if (h.incremental && h.checkpointMicros)
            h.lagSeconds = static_cast<double>(nowMicros - *h.checkpointMicros) / 1e6;
        if (auto it = runs.find(spec.name); it != runs.end()) {
            const StreamRunSummary& r = it->second;
            h.lastOutcome = r.outcome;
            h.lastError = r.error;
            if (!r.startedAt.empty()) h.lastStartedMicros = parseUtcTimestamp(r.startedAt);
            if (r.lastSuccessAt) h.lastSuccessMicros = parseUtcTimestamp(*r.lastSuccessAt);
            if (r.lastFailureAt) h.lastFailureMicros = parseUtcTimestamp(*r.lastFailureAt);
        }
        h.versionsOwed = owed.count(spec.name) > 0;
        out.push_back(std::move(h));
    }
    return out;
}

}  // namespace intouch
