#include "cli/StateCommands.hpp"

#include <cstdio>
#include <pqxx/pqxx>

#include "cli/StreamHealth.hpp"
#include "common/Log.hpp"
#include "common/TimestampParser.hpp"
#include "sink/ShadowTables.hpp"
#include "sink/TargetDatabase.hpp"
#include "state/RunHistory.hpp"
#include "state/StateStore.hpp"

namespace intouch {

namespace {

std::string joined(const std::vector<StreamSpec>& streams) {
    std::string out;
    for (const auto& s : streams) out += (out.empty() ? "" : " ") + s.name;
    return out;
}

void showState(const Config& config) {
    auto conn = TargetDatabase::connect(config.target.dsn);
    TargetDatabase::requireMigrated(*conn, config.target.schema);
    pqxx::work tx(*conn);
    const auto rows = StateStore(config.target.schema).all(tx);
    std::printf("%-28s %-28s %-9s %6s %9s %9s  %-20s\n", "stream", "modified (UTC)", "group",
                "keys", "position", "total", "updated (UTC)");
    for (const auto& row : rows) {
        const Checkpoint& cp = row.checkpoint;
        std::string modified = cp.empty() ? "-" : formatUtcMicros(*cp.modifiedMicros);
        // "complete": every record at `modified` is in; else `keys` of them are.
        std::string group = cp.empty() ? "-" : cp.tieComplete ? "complete" : "partial";
        std::string total = cp.total < 0 ? "-" : std::to_string(cp.total);
        std::printf("%-28s %-28s %-9s %6zu %9lld %9s  %-20s\n", row.stream.c_str(),
                    modified.c_str(), group.c_str(), cp.tieKeys.size(),
                    static_cast<long long>(cp.position), total.c_str(),
                    formatUtcMicros(parseUtcTimestamp(row.updatedAt) / 1000000 * 1000000)
                        .substr(0, 19)
                        .c_str());
    }
    if (rows.empty())
        std::printf("(no checkpoints: the next sync reads every stream from the start)\n");
}

// The change itself, under the streams' locks, in one transaction.
void changeState(pqxx::connection_base& conn, const CommandLine& cl, const Config& config,
                 const std::vector<StreamSpec>& streams, std::optional<std::int64_t> micros) {
    const std::string& schema = config.target.schema;
    std::vector<StreamLock> locks;
    for (const auto& spec : streams)
        locks.push_back(TargetDatabase::lockStream(conn, schema, spec.name, cl.waitLockSeconds));
    StateStore state(schema);
    pqxx::work tx(conn);
    for (const auto& spec : streams) {
        Checkpoint before = state.load(tx, spec.name);
        std::string was =
            before.empty() ? "no checkpoint" : formatUtcMicros(*before.modifiedMicros);
        if (cl.subcommand == "reset") {
            state.reset(tx, spec.name);
            // An interrupted --full-refresh would otherwise resume its old shadow copy.
            state.reset(tx, ShadowTables::shadowSpec(spec).name);
            std::printf("state reset %s (was %s): the next sync reads it from the start\n",
                        spec.name.c_str(), was.c_str());
        } else {
            if (!before.empty() && *micros > *before.modifiedMicros)
                log::warn("moving the checkpoint forward: records modified in between are skipped",
                          {{"stream", spec.name}, {"was", was}});
            Checkpoint cp;
            cp.modifiedMicros = *micros;  // nothing at this instant counts as committed
            state.save(tx, spec.name, cp);
            std::printf(
                "state set %s to %s (was %s): the next sync re-reads records modified at "
                "or after it\n",
                spec.name.c_str(), formatUtcMicros(*micros).c_str(), was.c_str());
        }
    }
    tx.commit();
}

}  // namespace

std::optional<std::int64_t> checkpointToSet(const CommandLine& cl) {
    if (cl.subcommand != "set") return std::nullopt;
    std::int64_t micros = 0;
    try {
        micros = parseInstant(*cl.modified);
    } catch (const TimestampError& e) {
        throw ConfigError("--modified '" + *cl.modified +
                          "' is not an ISO 8601 time with offset, e.g. "
                          "2024-06-01T00:00:00+02:00 or 2024-05-31T22:00:00Z (" +
                          e.what() + ")");
    }
    if (micros > nowUtcMicros())
        throw ConfigError("--modified " + *cl.modified +
                          " is in the future: every record would be skipped until then");
    return micros;
}

ExitCode runState(const CommandLine& cl, const Config& config,
                  const std::vector<StreamSpec>& streams) {
    if (cl.subcommand == "show") {
        showState(config);
        return ExitCode::Success;
    }
    const std::optional<std::int64_t> micros = checkpointToSet(cl);
    std::vector<StreamSpec> incremental;
    for (const auto& spec : streams) {
        if (spec.mode == SyncMode::Incremental) {
            incremental.push_back(spec);
        } else if (cl.subcommand == "set") {
            throw ConfigError("stream '" + spec.name +
                              "' has no checkpoint to set: it is re-read whole on every sync");
        } else {
            std::printf("state reset %s: nothing to reset, it is re-read whole on every sync\n",
                        spec.name.c_str());
        }
    }
    if (incremental.empty()) return ExitCode::Success;

    auto conn = TargetDatabase::connect(config.target.dsn);
    TargetDatabase::requireMigrated(*conn, config.target.schema);
    RunHistory history(config.target.schema);
    std::vector<std::string> names;
    for (const auto& spec : incremental) names.push_back(spec.name);
    std::string command = "state " + cl.subcommand + " " + joined(incremental);
    if (micros) command += " --modified " + *cl.modified;
    const std::int64_t runId = history.startRun(*conn, command, names);
    try {
        changeState(*conn, cl, config, incremental, micros);
    } catch (const std::exception& e) {
        const RunOutcome outcome =
            dynamic_cast<const LockedError*>(&e) ? RunOutcome::Locked : RunOutcome::Failed;
        try {
            history.finishRun(*conn, runId, outcome, Totals{}, log::redact(e.what()));
        } catch (const std::exception& again) {
            log::error("could not record the command's outcome", {{"error", again.what()}});
        }
        throw;
    }
    history.finishRun(*conn, runId, RunOutcome::Success, Totals{}, "");
    return ExitCode::Success;
}

}  // namespace intouch
