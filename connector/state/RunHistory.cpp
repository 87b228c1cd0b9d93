#include "state/RunHistory.hpp"

#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"
#include "common/Utf8Text.hpp"

namespace intouch {

namespace {

// Error texts quote the network (error pages, reason phrases, record keys): PostgreSQL
// refuses the whole UPDATE over one invalid byte or a NUL, so they are made valid first.
constexpr std::size_t kMaxErrorBytes = 8000;

std::optional<std::string> nullIfEmpty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return text::cutUtf8(s, kMaxErrorBytes);
}

// pg_advisory_lock(int, int) keys of a run's liveness lock. The two-key form never meets the
// one-key stream locks (pg_locks.objsubid 2, not 1); the schema is in the first key so that
// runs of two deployments in one database do not vouch for each other.
const char* kRunLockKeys = "hashtext('intouch-sync-run:' || $1), ($2 % 2147483647)::int";

constexpr std::string_view kFinishRun = R"(
UPDATE {runs} SET finished_at = clock_timestamp(), outcome = $2, records_upserted = $3,
    records_deleted = $4, records_rejected = $5, requests = $6, retries = $7, bytes = $8, error = $9
WHERE run_id = $1)";

constexpr std::string_view kFinishStream = R"(
UPDATE {stream_runs} SET finished_at = clock_timestamp(), outcome = $3, records_seen = $4,
    records_upserted = $5, records_deleted = $6, records_rejected = $7, requests = $8, error = $9
WHERE run_id = $1 AND stream = $2)";

constexpr std::string_view kStreamRunCount = R"(
SELECT count(*) FROM {stream_runs} WHERE stream = $1)";

// The newest run of every stream, with its last success and last failure.
constexpr std::string_view kLastRuns = R"(
SELECT DISTINCT ON (s.stream) s.stream, s.started_at::text, coalesce(s.finished_at::text, ''),
    s.outcome, coalesce(s.error, ''),
    (SELECT max(finished_at)::text FROM {stream_runs} x
     WHERE x.stream = s.stream AND x.outcome IN ('success', 'partial')),
    (SELECT max(coalesce(finished_at, started_at))::text FROM {stream_runs} x
     WHERE x.stream = s.stream AND x.outcome IN ('failed', 'interrupted', 'unavailable', 'abandoned'))
FROM {stream_runs} s
ORDER BY s.stream, s.started_at DESC)";

}  // namespace

std::int64_t RunHistory::startRun(pqxx::connection_base& conn, const std::string& command,
                                  const std::vector<std::string>& streams) const {
    if (!recording_) return 0;
    std::int64_t runId = 0;
    {
        pqxx::work tx(conn);
        auto r = tx.exec_params("INSERT INTO " + qualified(schema_, "sync_runs") +
                                    " (command, streams) VALUES ($1, $2::text[]) RETURNING run_id",
                                command, textArrayLiteral(streams));
        runId = r[0][0].as<std::int64_t>();
        // Taken before the row is visible to anyone: no other run can see this one
        // `running` without its lock held.
        tx.exec_params(std::string("SELECT pg_advisory_lock(") + kRunLockKeys + ")", schema_, runId);
        tx.commit();
    }
    markAbandoned(conn, runId);
    return runId;
}

std::vector<std::int64_t> RunHistory::markAbandoned(pqxx::connection_base& conn,
                                                    std::int64_t ownRunId) const {
    std::vector<std::int64_t> marked;
    if (!recording_) return marked;
    std::vector<std::int64_t> running;
    {
        pqxx::nontransaction tx(conn);
        for (const auto& row : tx.exec_params("SELECT run_id FROM " + qualified(schema_, "sync_runs") +
                                                  " WHERE outcome = 'running' AND run_id <> $1 ORDER BY run_id",
                                              ownRunId))
            running.push_back(row[0].as<std::int64_t>());
    }
    for (std::int64_t id : running) {
        pqxx::work tx(conn);
        // Free lock = no live session of that run. Holding it while updating keeps a second
        // run from doing the same at the same moment (it sees the lock taken and skips).
        if (!tx.exec_params(std::string("SELECT pg_try_advisory_xact_lock(") + kRunLockKeys + ")", schema_, id)[0][0]
                 .as<bool>())
            continue;
        const std::string why = "abandoned: the run ended without recording its outcome (killed by "
                                "SIGKILL, out of memory, power loss or a lost database connection); "
                                "noticed by run " + std::to_string(ownRunId);
        auto r = tx.exec_params("UPDATE " + qualified(schema_, "sync_runs") +
                                    " SET outcome = 'abandoned', error = coalesce(error, $2) "
                                    "WHERE run_id = $1 AND outcome = 'running'",
                                id, why);
        tx.exec_params("UPDATE " + qualified(schema_, "sync_stream_runs") +
                           " SET outcome = 'abandoned', error = coalesce(error, $2) "
                           "WHERE run_id = $1 AND outcome = 'running'",
                       id, why);
        tx.commit();
        if (r.affected_rows() > 0) {
            marked.push_back(id);
            log::warn("an earlier run never recorded its end; marked abandoned",
                      {{"run_id", std::to_string(id)}});
        }
    }
    return marked;
}

void RunHistory::finishRun(pqxx::connection_base& conn, std::int64_t runId,
                           RunOutcome outcome, const Totals& t,
                           const std::string& error) const {
    if (!recording_) return;
    pqxx::work tx(conn);
    tx.exec_params(fillSql(kFinishRun, {{"runs", qualified(schema_, "sync_runs")}}), runId,
                   std::string(outcomeText(outcome)), t.upserted, t.deleted, t.rejected, t.requests,
                   t.retries, t.bytes, nullIfEmpty(error));
    tx.commit();
}

void RunHistory::startStream(pqxx::connection_base& conn, std::int64_t runId,
                             const std::string& stream) const {
    if (!recording_) return;
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO " + qualified(schema_, "sync_stream_runs") +
                       " (run_id, stream, started_at) VALUES ($1, $2, clock_timestamp()) "
                       "ON CONFLICT (run_id, stream) DO NOTHING",
                   runId, stream);
    tx.commit();
}

void RunHistory::finishStream(pqxx::connection_base& conn, std::int64_t runId,
                              const std::string& stream, RunOutcome outcome,
                              const Totals& t, const std::string& error) const {
    if (!recording_) return;
    pqxx::work tx(conn);
    tx.exec_params(fillSql(kFinishStream, {{"stream_runs", qualified(schema_, "sync_stream_runs")}}),
                   runId, stream, std::string(outcomeText(outcome)), t.seen, t.upserted, t.deleted,
                   t.rejected, t.requests, nullIfEmpty(error));
    tx.commit();
}

std::int64_t RunHistory::streamRunCount(pqxx::connection_base& conn,
                                        const std::string& stream) const {
    pqxx::nontransaction tx(conn);
    const std::string table = qualified(schema_, "sync_stream_runs");
    return tx.exec_params(fillSql(kStreamRunCount, {{"stream_runs", table}}), stream)[0][0]
        .as<std::int64_t>();
}

void RunHistory::finishRunOrReport(pqxx::connection_base& conn, std::int64_t runId,
                                   RunOutcome outcome, const Totals& totals,
                                   const std::string& error) const {
    try {
        finishRun(conn, runId, outcome, totals, error);
        // Released now rather than at disconnect: the run is over as far as others care.
        if (recording_) {
            pqxx::nontransaction tx(conn);
            tx.exec_params(std::string("SELECT pg_advisory_unlock(") + kRunLockKeys + ")", schema_, runId);
        }
    } catch (const std::exception& e) {
        writeFailure_ = "could not record the outcome '" + std::string(outcomeText(outcome)) +
                        "' of run " + std::to_string(runId) +
                        " in " + schema_ + ".sync_runs: " + e.what();
        log::error("could not record the run's outcome in the run history",
                   {{"run_id", std::to_string(runId)},
                    {"outcome", outcomeText(outcome)},
                    {"error", e.what()}});
    }
}

void RunHistory::finishStreamOrReport(pqxx::connection_base& conn, std::int64_t runId,
                                      const std::string& stream, RunOutcome outcome,
                                      const Totals& totals, const std::string& error) const {
    try {
        finishStream(conn, runId, stream, outcome, totals, error);
    } catch (const std::exception& e) {
        writeFailure_ = "could not record the outcome '" + std::string(outcomeText(outcome)) +
                        "' of stream " + stream + " (run " +
                        std::to_string(runId) + ") in " + schema_ + ".sync_stream_runs: " + e.what();
        log::error("could not record the stream's outcome in the run history",
                   {{"run_id", std::to_string(runId)}, {"stream", stream}, {"outcome", outcomeText(outcome)},
                    {"error", e.what()}});
    }
}

std::vector<StreamRunSummary> RunHistory::lastRuns(pqxx::transaction_base& tx) const {
    const pqxx::result r =
        tx.exec(fillSql(kLastRuns, {{"stream_runs", qualified(schema_, "sync_stream_runs")}}));
    std::vector<StreamRunSummary> out;
    for (const auto& row : r) {
        StreamRunSummary s;
        s.stream = row[0].c_str();
        s.startedAt = row[1].c_str();
        s.finishedAt = row[2].c_str();
        s.outcome = row[3].c_str();
        s.error = row[4].c_str();
        if (!row[5].is_null()) s.lastSuccessAt = row[5].c_str();
        if (!row[6].is_null()) s.lastFailureAt = row[6].c_str();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace intouch
