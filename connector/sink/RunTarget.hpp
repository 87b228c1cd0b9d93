#pragma once
// Everything one sync run does with its database besides writing pages: the migrated-schema
// check, the run history (sync_runs, sync_stream_runs), checkpoints, the per-stream lock,
// the full refresh's shadow tables, and a StreamTarget per stream. SyncJob holds one; the
// PostgreSQL and the SQLite target each implement it (openRunTarget picks by the config).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "sink/StreamTarget.hpp"
#include "state/Checkpoint.hpp"
#include "state/RunOutcome.hpp"
#include "state/Totals.hpp"

namespace intouch {

// Held while a stream is synced; released when destroyed (and by the OS when the process dies).
class HeldLock {
public:
    virtual ~HeldLock() = default;
};

class RunTarget {
public:
    virtual ~RunTarget() = default;

    // Throws when `migrate` has not created the schema.
    virtual void requireMigrated() = 0;
    // Whether one writer at a time is all the database takes (SQLite): streams side by side
    // would only queue behind each other's pages on its lock.
    virtual bool oneWriterAtATime() const { return false; }

    // Run history; a target opened not recording (a dry run) writes none of it.
    virtual std::int64_t startRun(const std::string& command, const std::vector<std::string>& streams) = 0;
    virtual void finishRunOrReport(std::int64_t runId, RunOutcome outcome, const Totals& totals,
                                   const std::string& error) = 0;
    virtual void startStream(std::int64_t runId, const std::string& stream) = 0;
    virtual void finishStreamOrReport(std::int64_t runId, const std::string& stream, RunOutcome outcome,
                                      const Totals& totals, const std::string& error) = 0;
    // Non-empty after a history write failed (RunHistory::writeFailure).
    virtual const std::string& writeFailure() const = 0;
    virtual std::int64_t streamRunCount(const std::string& stream) = 0;

    virtual Checkpoint loadCheckpoint(const std::string& stream) = 0;
    // LockedError when another run holds the stream after waiting up to waitSeconds.
    virtual std::unique_ptr<HeldLock> lockStream(const std::string& stream, double waitSeconds) = 0;
    virtual std::unique_ptr<StreamTarget> openWriter(const StreamSpec& spec, std::optional<std::int64_t> runId) = 0;

    // Full refresh (ShadowTables): the shadow tables of `spec` made ready (or kept, to resume),
    // then swapped in whole.
    virtual void prepareShadow(const StreamSpec& spec) = 0;
    virtual void swapInShadow(const StreamSpec& spec) = 0;
};

// The PostgreSQL target (target.dsn, target.schema).
std::unique_ptr<RunTarget> openPostgresRunTarget(const std::string& dsn, const std::string& schema,
                                                 bool recording);
// The SQLite file (target.sqlite).
std::unique_ptr<RunTarget> openSqliteRunTarget(const std::string& path, bool recording);

}  // namespace intouch
