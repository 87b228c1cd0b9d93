#include "cli/StatusCommand.hpp"

#include <cstdio>
#include <pqxx/pqxx>

#include "cli/StreamHealth.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/TargetDatabase.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

namespace {

// "2024-03-05 09:15:30" (UTC, whole seconds): the table stays narrow.
std::string shortUtc(const std::optional<std::int64_t>& micros) {
    if (!micros) return "-";
    return formatUtcMicros(*micros / 1000000 * 1000000).substr(0, 19);
}

std::string rowCount(pqxx::dbtransaction& tx, const std::string& schema, const StreamSpec& spec) {
    try {
        pqxx::subtransaction sub(tx, "count");
        std::string where = spec.mode == SyncMode::Incremental ? " WHERE deleted_at IS NULL" : "";
        std::string n =
            sub.exec("SELECT count(*) FROM " + qualified(schema, spec.table) + where)[0][0].c_str();
        sub.commit();
        return n;
    } catch (const std::exception&) {
        return "missing";
    }
}

}  // namespace

ExitCode runStatus(const Config& config, const std::vector<StreamSpec>& streams) {
    const std::string& schema = config.target.schema;
    auto conn = TargetDatabase::connect(config.target.dsn);
    TargetDatabase::requireMigrated(*conn, schema);
    pqxx::work tx(*conn);
    const std::vector<StreamHealth> health = readStreamHealth(tx, schema, streams, nowUtcMicros());

    std::printf("%-14s %-20s %-9s %10s  %-11s %-20s %-20s\n", "stream", "checkpoint (UTC)", "lag",
                "rows", "outcome", "last success (UTC)", "last failure (UTC)");
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const StreamSpec& spec = streams[i];
        const StreamHealth& h = health[i];
        std::string checkpoint = h.incremental ? shortUtc(h.checkpointMicros) : "(re-read whole)";
        std::string lag = h.lagSeconds ? formatLag(*h.lagSeconds) : "-";
        std::string outcome = h.lastOutcome.empty() ? "never" : h.lastOutcome;
        std::printf("%-14s %-20s %-9s %10s  %-11s %-20s %-20s\n", spec.name.c_str(),
                    checkpoint.c_str(), lag.c_str(), rowCount(tx, schema, spec).c_str(),
                    outcome.c_str(), shortUtc(h.lastSuccessMicros).c_str(),
                    shortUtc(h.lastFailureMicros).c_str());
    }
    // The table says that something failed; the error says what to do about it.
    for (const StreamHealth& h : health)
        if (!h.lastError.empty() && h.lastOutcome != "success")
            std::printf("%s: last run %s: %s\n", h.stream.c_str(), h.lastOutcome.c_str(),
                        log::redact(h.lastError).c_str());
    for (const StreamHealth& h : health)
        if (h.versionsOwed)
            std::printf("%s: the first versions of its rows are not written yet (its first sync "
                        "ended early); the next sync, reconcile or --full-refresh writes them first\n",
                        h.stream.c_str());
    return ExitCode::Success;
}

}  // namespace intouch
