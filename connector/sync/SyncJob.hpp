#pragma once
// One `sync` invocation: checks that the target is migrated and the CRM is
// up, then syncs each stream under its advisory lock, recording the run
// in sync_runs / sync_stream_runs. A stream that fails does not stop the others
// (sync/StreamFailure.hpp says which errors end the whole run).
//
// sync.parallel_streams > 1: that many workers take the streams in the config's order,
// each through its own target connection (which also writes its streams' rows of
// sync_stream_runs) and its own CRM client; the clients share one throttle, so the CRM
// sees one request at a time as before. sync_runs is written on the run's own connection.
// The report lists the streams in the config's order, whatever order they ended in; an
// error that ends the run (or SIGTERM/SIGINT) stops the other workers at their next request.

#include <cstdint>
#include <exception>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/VersionRange.hpp"
#include "source/SourceConfig.hpp"
#include "state/RunHistory.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

struct SyncJobSettings {
    std::string dsn;
    std::string schema;
    std::string sqlitePath;  // the SQLite target (target.sqlite) instead of dsn/schema
    SourceConfig source;
    SyncOptions options;
    std::vector<StreamSpec> streams;  // already selected and validated
    bool fullRefresh = false;
    bool reconcileOnly = false;  // the `reconcile` command
    double waitLockSeconds = 0;
};

struct StreamReport {
    std::string stream;
    StreamOutcome outcome;
    double seconds = 0;
    // For the metrics: this stream's share of the client's retries.
    std::int64_t retries = 0;
    std::int64_t rateLimitedRetries = 0;  // answered 429
    double retryAfterWaitSeconds = 0;     // waits the server asked for (429/503 Retry-After)
    RunOutcome result = RunOutcome::Success;
    std::string endpoint;  // the endpoint it was read from (one of `endpoints:`)
    std::string error;     // why it failed or was skipped
    std::exception_ptr failure;
};

struct SyncReport {
    std::int64_t runId = 0;
    std::vector<StreamReport> streams;
    Totals totals;
    double seconds = 0;
    std::string timeZone;
    CrmVersion crmVersion;  // from /api/about
    RunOutcome outcome = RunOutcome::Success;  // as recorded in sync_runs
};

class StreamTarget;
class RunTarget;
struct RunContext;
struct StreamPlan;

class SyncJob {
public:
    explicit SyncJob(SyncJobSettings settings);
    // Throws typed errors (SourceError, TargetError, LockedError, ...); the run
    // history records the failure before the error leaves.
    SyncReport run();
    // What run() got through, also after it threw: failed runs publish metrics too.
    const SyncReport& lastReport() const { return report_; }

private:
    // The database of the run (PostgreSQL or the SQLite file), recording history unless a dry
    // run. Each worker of syncSideBySide opens its own (libpqxx connections are not
    // thread-safe); with SQLite there is one worker.
    std::unique_ptr<RunTarget> openTarget() const;
    // The steps of run(): about and time zone, one stream, the verdict at the end.
    void openRun(RunContext& ctx);
    // The streams one after another (parallel_streams 1), or by `workers` threads; both
    // return the error that ended the run early, if any.
    std::exception_ptr syncInTurn(RunContext& ctx);
    std::exception_ptr syncSideBySide(RunContext& ctx, std::size_t workers);
    StreamReport syncStream(RunContext& ctx, const StreamSpec& spec);
    // The stream from the first of its endpoint names this CRM serves (404 before any answer:
    // the next name); StreamUnavailableError when it serves none.
    StreamOutcome readFirstServed(RunContext& ctx, const StreamSpec& spec, const StreamPlan& plan,
                                  std::string& endpoint);
    StreamOutcome readStream(RunContext& ctx, const StreamSpec& spec);
    std::exception_ptr summarise(std::exception_ptr stop, std::string& failureText) const;
    bool reconcileDue(RunContext& ctx, StreamTarget& writer, const StreamSpec& spec,
                      const StreamOutcome& outcome) const;

    SyncJobSettings settings_;
    SyncReport report_;
    std::string workerHistoryFailure_;  // a worker's RunHistory::writeFailure()
};

}  // namespace intouch
