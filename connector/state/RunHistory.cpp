#include "state/RunHistory.hpp"

#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {
std::optional<std::string> nullIfEmpty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}
}  // namespace

std::int64_t RunHistory::startRun(pqxx::connection_base& conn, const std::string& command,
                                  const std::vector<std::string>& streams) const {
    if (!recording_) return 0;
    pqxx::work tx(conn);
    auto r = tx.exec_params("INSERT INTO " + qualified(schema_, "sync_runs") +
                                " (command, streams) VALUES ($1, $2::text[]) RETURNING run_id",
                            command, textArrayLiteral(streams));
    tx.commit();
    return r[0][0].as<std::int64_t>();
}

void RunHistory::finishRun(pqxx::connection_base& conn, std::int64_t runId,
                           const std::string& outcome, const RunTotals& t,
                           const std::string& error) const {
    if (!recording_) return;
    pqxx::work tx(conn);
    tx.exec_params("UPDATE " + qualified(schema_, "sync_runs") +
                       " SET finished_at = clock_timestamp(), outcome = $2, records_upserted = $3, "
                       "records_deleted = $4, records_rejected = $5, requests = $6, retries = $7, "
                       "bytes = $8, error = $9 WHERE run_id = $1",
                   runId, outcome, t.upserted, t.deleted, t.rejected, t.requests, t.retries,
                   t.bytes, nullIfEmpty(error));
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
                              const std::string& stream, const std::string& outcome,
                              const StreamRunTotals& t, const std::string& error) const {
    if (!recording_) return;
    pqxx::work tx(conn);
    tx.exec_params("UPDATE " + qualified(schema_, "sync_stream_runs") +
                       " SET finished_at = clock_timestamp(), outcome = $3, records_seen = $4, "
                       "records_upserted = $5, records_deleted = $6, records_rejected = $7, "
                       "requests = $8, error = $9 WHERE run_id = $1 AND stream = $2",
                   runId, stream, outcome, t.seen, t.upserted, t.deleted, t.rejected, t.requests,
                   nullIfEmpty(error));
    tx.commit();
}

std::vector<StreamRunSummary> RunHistory::lastRuns(pqxx::transaction_base& tx) const {
    const std::string table = qualified(schema_, "sync_stream_runs");
    pqxx::result r = tx.exec(
        "SELECT DISTINCT ON (s.stream) s.stream, s.started_at::text, "
        "coalesce(s.finished_at::text, ''), s.outcome, coalesce(s.error, ''), "
        "(SELECT max(finished_at)::text FROM " +
        table +
        " x WHERE x.stream = s.stream AND x.outcome IN ('success', 'partial')), "
        "(SELECT max(coalesce(finished_at, started_at))::text FROM " +
        table +
        " x WHERE x.stream = s.stream AND x.outcome IN ('failed', 'interrupted', 'unavailable')) "
        "FROM " +
        table + " s ORDER BY s.stream, s.started_at DESC");
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
