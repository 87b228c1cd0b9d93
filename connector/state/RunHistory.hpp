#pragma once
// Run history in the target (sync_runs, sync_stream_runs), so that a warehouse
// can alert on staleness with plain SQL. Each write is its own short
// transaction: history must survive the failure of the run it describes.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace intouch {

struct StreamRunTotals {
    std::int64_t seen = 0;
    std::int64_t upserted = 0;
    std::int64_t deleted = 0;
    std::int64_t rejected = 0;
    std::int64_t requests = 0;
};

struct RunTotals {
    std::int64_t upserted = 0;
    std::int64_t deleted = 0;
    std::int64_t rejected = 0;
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t bytes = 0;
};

struct StreamRunSummary {
    std::string stream;
    std::string startedAt, finishedAt, outcome, error;
    std::optional<std::string> lastSuccessAt, lastFailureAt;
};

class RunHistory {
  public:
    // A history that does not record (a dry run writes nothing, not even its own
    // run) still answers the reading calls.
    explicit RunHistory(std::string schema, bool recording = true)
        : schema_(std::move(schema)), recording_(recording) {}

    std::int64_t startRun(pqxx::connection_base& conn, const std::string& command,
                          const std::vector<std::string>& streams) const;
    void finishRun(pqxx::connection_base& conn, std::int64_t runId, const std::string& outcome,
                   const RunTotals& totals, const std::string& error) const;
    void startStream(pqxx::connection_base& conn, std::int64_t runId,
                     const std::string& stream) const;
    void finishStream(pqxx::connection_base& conn, std::int64_t runId, const std::string& stream,
                      const std::string& outcome, const StreamRunTotals& totals,
                      const std::string& error) const;
    // Last run of each stream ever synced, with the last success and failure.
    std::vector<StreamRunSummary> lastRuns(pqxx::transaction_base& tx) const;

  private:
    std::string schema_;
    bool recording_ = true;
};

}  // namespace intouch
