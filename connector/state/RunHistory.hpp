#pragma once
// Run history in the target (sync_runs, sync_stream_runs), so that a warehouse
// can alert on staleness with plain SQL. Each write is its own short
// transaction: history must survive the failure of the run it describes.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "state/RunOutcome.hpp"
#include "state/Totals.hpp"

namespace intouch {

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

    // Also marks `abandoned` every run left `running` whose process is gone (see
    // markAbandoned), and holds this run's liveness lock on conn until it closes.
    std::int64_t startRun(pqxx::connection_base& conn, const std::string& command,
                          const std::vector<std::string>& streams) const;
    // A run holds a session advisory lock for as long as its connection lives; a run still
    // `running` whose lock is free was killed (SIGKILL, out of memory, power loss, lost
    // connection) and is marked `abandoned`. Returns the run ids marked.
    std::vector<std::int64_t> markAbandoned(pqxx::connection_base& conn, std::int64_t ownRunId) const;
    void finishRun(pqxx::connection_base& conn, std::int64_t runId, RunOutcome outcome,
                   const Totals& totals, const std::string& error) const;
    void startStream(pqxx::connection_base& conn, std::int64_t runId,
                     const std::string& stream) const;
    void finishStream(pqxx::connection_base& conn, std::int64_t runId, const std::string& stream,
                      RunOutcome outcome, const Totals& totals,
                      const std::string& error) const;
    // The finish* calls for use on the way out of a run: a failure to write is logged
    // (never thrown, the run's own error must leave) and remembered for writeFailure().
    void finishRunOrReport(pqxx::connection_base& conn, std::int64_t runId, RunOutcome outcome,
                           const Totals& totals, const std::string& error) const;
    void finishStreamOrReport(pqxx::connection_base& conn, std::int64_t runId, const std::string& stream,
                              RunOutcome outcome, const Totals& totals,
                              const std::string& error) const;
    // Non-empty after a history write failed: a run whose history lies must not exit 0.
    const std::string& writeFailure() const { return writeFailure_; }

    // How many runs of the stream are recorded (sync_stream_runs rows), this one included.
    std::int64_t streamRunCount(pqxx::connection_base& conn, const std::string& stream) const;

    // Last run of each stream ever synced, with the last success and failure.
    std::vector<StreamRunSummary> lastRuns(pqxx::transaction_base& tx) const;

  private:
    std::string schema_;
    bool recording_ = true;
    mutable std::string writeFailure_;
};

}  // namespace intouch
