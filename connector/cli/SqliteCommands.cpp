#include "cli/SqliteCommands.hpp"

#include <cstdio>
#include <filesystem>

#include "cli/StateCommands.hpp"
#include "cli/StreamHealth.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "common/TimestampParser.hpp"
#include "sink/RunTarget.hpp"
#include "sink/ShadowTables.hpp"
#include "sink/SqliteDatabase.hpp"
#include "sink/SqliteSchema.hpp"
#include "sink/SqliteState.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

namespace {

std::string shortUtc(const std::optional<std::int64_t>& micros) {
    if (!micros) return "-";
    return formatUtcMicros(*micros / 1000000 * 1000000).substr(0, 19);
}

// "2024-03-05 09:15:30" from a stored "2024-03-05T09:15:30.000000Z", as PostgreSQL's status prints it.
std::string shortStamp(const std::string& iso) {
    if (iso.empty()) return "-";
    std::string out = iso.substr(0, 19);
    if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
    return out;
}

void changeSqliteState(SqliteDatabase& db, const CommandLine& cl, const std::vector<StreamSpec>& streams,
                       std::optional<std::int64_t> micros);

void warnPostgresOnly(const std::vector<StreamSpec>& streams) {
    for (const auto& s : streams)
        if (s.history)
            std::printf("  note: %s has history: true, which is PostgreSQL-only; the SQLite file keeps "
                        "its current rows only\n",
                        s.name.c_str());
}

}  // namespace

ExitCode runSqliteMigrate(const Config& config, const std::vector<StreamSpec>& streams) {
    SqliteDatabase db(config.target.sqlite);
    const SqliteMigration m = migrateSqlite(db, streams);
    std::printf("migrate: SQLite %s: %zu table(s) created, %zu column(s) added%s\n", db.path().c_str(),
                m.created.size(), m.addedColumns.size(), m.changed ? "" : " (already up to date)");
    for (const auto& t : m.created) std::printf("  created %s\n", t.c_str());
    for (const auto& c : m.addedColumns) std::printf("  added %s\n", c.c_str());
    std::printf("migrate: comments and warehouse views are PostgreSQL-only: none in the SQLite file\n");
    warnPostgresOnly(streams);
    return ExitCode::Success;
}

ExitCode runSqlitePlan(const Config& config, const std::vector<StreamSpec>& streams) {
    std::printf("-- SQLite schema for %s (what `migrate` creates; run by migrate, not by hand)\n",
                config.target.sqlite.c_str());
    std::fputs(sqliteSchemaSql(streams).c_str(), stdout);
    if (std::filesystem::exists(config.target.sqlite)) {
        SqliteDatabase db(config.target.sqlite, true);
        const auto drift = sqliteSchemaDrift(db, streams);
        std::printf("-- differences from %s: %zu\n", config.target.sqlite.c_str(), drift.size());
        for (const auto& d : drift) std::printf("--   %s\n", d.c_str());
    }
    return ExitCode::Success;
}

std::size_t printSqliteCheck(const Config& config, const std::vector<StreamSpec>& streams) {
    if (!std::filesystem::exists(config.target.sqlite)) {
        std::printf("sqlite: %s does not exist yet: run `intouch-sync migrate --config %s`\n",
                    config.target.sqlite.c_str(), config.path.c_str());
        return 1;
    }
    SqliteDatabase db(config.target.sqlite, true);
    const auto drift = sqliteSchemaDrift(db, streams);
    std::printf("sqlite: %s: %s\n", db.path().c_str(),
                drift.empty() ? "schema matches the mappings" : "schema differs from the mappings");
    for (const auto& d : drift) std::printf("  %s\n", d.c_str());
    return drift.size();
}

ExitCode runSqliteStatus(const Config& config, const std::vector<StreamSpec>& streams) {
    SqliteDatabase db(config.target.sqlite, true);
    requireSqliteMigrated(db);
    std::printf("%-14s %-20s %-9s %10s  %-11s %-20s %-20s\n", "stream", "checkpoint (UTC)", "lag", "rows",
                "outcome", "last success (UTC)", "last failure (UTC)");
    const std::int64_t now = nowUtcMicros();
    std::vector<std::pair<std::string, std::string>> errors;
    for (const auto& spec : streams) {
        const Checkpoint cp = sqlite_state::load(db, spec.name);
        std::string rows = "missing";
        try {
            rows = std::to_string(db.scalarInt("SELECT count(*) FROM " + quoteIdent(spec.table) +
                                               (spec.mode == SyncMode::Incremental ? " WHERE deleted_at IS NULL" : "")));
        } catch (const std::exception&) {
        }
        SqliteStatement last(db.handle(),
                             "SELECT outcome, coalesce(error, ''), "
                             "(SELECT max(finished_at) FROM sync_stream_runs WHERE stream = ?1 AND outcome IN ('success', 'partial')), "
                             "(SELECT max(finished_at) FROM sync_stream_runs WHERE stream = ?1 AND outcome NOT IN ('success', 'partial', 'running', 'skipped')) "
                             "FROM sync_stream_runs WHERE stream = ?1 ORDER BY started_at DESC, run_id DESC LIMIT 1",
                             db.path());
        last.bindText(1, spec.name);
        std::string outcome = "never", error, success, failure;
        if (last.step()) {
            outcome = last.columnText(0);
            error = last.columnText(1);
            success = last.columnText(2);
            failure = last.columnText(3);
        }
        const std::string checkpoint =
            spec.mode == SyncMode::Incremental ? shortUtc(cp.modifiedMicros) : "(re-read whole)";
        const std::string lag = spec.mode == SyncMode::Incremental && cp.modifiedMicros
                                    ? formatLag(static_cast<double>(now - *cp.modifiedMicros) / 1e6)
                                    : "-";
        std::printf("%-14s %-20s %-9s %10s  %-11s %-20s %-20s\n", spec.name.c_str(), checkpoint.c_str(),
                    lag.c_str(), rows.c_str(), outcome.c_str(), shortStamp(success).c_str(),
                    shortStamp(failure).c_str());
        if (!error.empty() && outcome != "success") errors.emplace_back(spec.name + ": last run " + outcome, error);
    }
    for (const auto& [what, error] : errors) std::printf("%s: %s\n", what.c_str(), log::redact(error).c_str());
    return ExitCode::Success;
}

ExitCode runSqliteState(const CommandLine& cl, const Config& config, const std::vector<StreamSpec>& streams) {
    SqliteDatabase db(config.target.sqlite, true);
    requireSqliteMigrated(db);
    if (cl.subcommand == "show") {
        const auto rows = sqlite_state::all(db);
        std::printf("%-28s %-28s %-9s %6s %9s %9s  %-20s\n", "stream", "modified (UTC)", "group", "keys", "position",
                    "total", "updated (UTC)");
        for (const auto& row : rows) {
            const Checkpoint& cp = row.checkpoint;
            std::string modified = cp.empty() ? "-" : formatUtcMicros(*cp.modifiedMicros);
            std::string group = cp.empty() ? "-" : cp.tieComplete ? "complete" : "partial";
            std::string total = cp.total < 0 ? "-" : std::to_string(cp.total);
            std::printf("%-28s %-28s %-9s %6zu %9lld %9s  %-20s\n", row.stream.c_str(), modified.c_str(),
                        group.c_str(), cp.tieKeys.size(), static_cast<long long>(cp.position), total.c_str(),
                        shortStamp(row.updatedAt).c_str());
        }
        if (rows.empty()) std::printf("(no checkpoints: the next sync reads every stream from the start)\n");
        return ExitCode::Success;
    }
    const std::optional<std::int64_t> micros = checkpointToSet(cl);
    std::vector<std::string> names;
    for (const auto& spec : streams) {
        if (spec.mode == SyncMode::Incremental) {
            names.push_back(spec.name);
            continue;
        }
        if (cl.subcommand == "set")
            throw ConfigError("stream '" + spec.name + "' has no checkpoint to set: it is re-read whole on every sync");
        std::printf("state reset %s: nothing to reset, it is re-read whole on every sync\n", spec.name.c_str());
    }
    if (names.empty()) return ExitCode::Success;
    // Recorded in sync_runs and done under the streams' locks, as with PostgreSQL: a running
    // sync is not changed under its feet.
    auto target = openSqliteRunTarget(config.target.sqlite, true);
    std::string command = "state " + cl.subcommand;
    for (const auto& n : names) command += " " + n;
    if (micros) command += " --modified " + *cl.modified;
    const std::int64_t runId = target->startRun(command, names);
    try {
        std::vector<std::unique_ptr<HeldLock>> locks;
        for (const auto& n : names) locks.push_back(target->lockStream(n, cl.waitLockSeconds));
        changeSqliteState(db, cl, streams, micros);
    } catch (const std::exception& e) {
        const RunOutcome outcome = dynamic_cast<const LockedError*>(&e) ? RunOutcome::Locked : RunOutcome::Failed;
        target->finishRunOrReport(runId, outcome, Totals{}, log::redact(e.what()));
        throw;
    }
    target->finishRunOrReport(runId, RunOutcome::Success, Totals{}, "");
    if (!target->writeFailure().empty()) throw TargetError(target->writeFailure());
    return ExitCode::Success;
}

namespace {

void changeSqliteState(SqliteDatabase& db, const CommandLine& cl, const std::vector<StreamSpec>& streams,
                       std::optional<std::int64_t> micros) {
    inSqliteTransaction(db, [&] {
        for (const auto& spec : streams) {
            if (spec.mode != SyncMode::Incremental) continue;
            const Checkpoint before = sqlite_state::load(db, spec.name);
            const std::string was = before.empty() ? "no checkpoint" : formatUtcMicros(*before.modifiedMicros);
            if (cl.subcommand == "reset") {
                sqlite_state::reset(db, spec.name);
                sqlite_state::reset(db, ShadowTables::shadowSpec(spec).name);
                std::printf("state reset %s (was %s): the next sync reads it from the start\n", spec.name.c_str(),
                            was.c_str());
            } else {
                Checkpoint cp;
                cp.modifiedMicros = *micros;
                sqlite_state::save(db, spec.name, cp);
                std::printf("state set %s to %s (was %s): the next sync re-reads records modified at or after it\n",
                            spec.name.c_str(), formatUtcMicros(*micros).c_str(), was.c_str());
            }
        }
    });
}

}  // namespace

}  // namespace intouch
