#pragma once
// One `sync` invocation: checks that the target is migrated and the CRM is
// up, then syncs each stream in turn under its advisory lock, recording the run
// in sync_runs / sync_stream_runs.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "source/SourceConfig.hpp"
#include "state/RunHistory.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

struct SyncJobSettings {
    std::string dsn;
    std::string schema;
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
    std::int64_t requests = 0;
};

struct SyncReport {
    std::int64_t runId = 0;
    std::vector<StreamReport> streams;
    RunTotals totals;
    double seconds = 0;
    std::string timeZone;
};

class SyncJob {
public:
    explicit SyncJob(SyncJobSettings settings);
    // Throws typed errors (SourceError, TargetError, LockedError, ...); the run
    // history records the failure before the error leaves.
    SyncReport run();

private:
    bool reconcileDue(pqxx::connection_base& conn, const StreamSpec& spec, const StreamOutcome& outcome) const;

    SyncJobSettings settings_;
};

}  // namespace intouch
