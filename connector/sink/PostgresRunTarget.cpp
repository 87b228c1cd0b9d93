// RunTarget on PostgreSQL: the connection, RunHistory, StateStore, the advisory stream
// locks and ShadowTables as SyncJob used them directly before the SQLite target came.

#include <pqxx/pqxx>

#include "common/Errors.hpp"
#include "sink/PostgresWriter.hpp"
#include "sink/RunTarget.hpp"
#include "sink/ShadowTables.hpp"
#include "sink/TargetDatabase.hpp"
#include "state/RunHistory.hpp"
#include "state/StateStore.hpp"

namespace intouch {

namespace {

class PostgresLock final : public HeldLock {
public:
    explicit PostgresLock(StreamLock lock) : lock_(std::move(lock)) {}

private:
    StreamLock lock_;
};

class PostgresRunTarget final : public RunTarget {
public:
    PostgresRunTarget(const std::string& dsn, std::string schema, bool recording)
        : dsn_(dsn), conn_(TargetDatabase::connect(dsn)), schema_(std::move(schema)),
          history_(schema_, recording), state_(schema_) {}

    void requireMigrated() override { TargetDatabase::requireMigrated(*conn_, schema_); }
    std::int64_t startRun(const std::string& command, const std::vector<std::string>& streams) override {
        return history_.startRun(*conn_, command, streams);
    }
    void finishRunOrReport(std::int64_t runId, RunOutcome outcome, const Totals& totals,
                           const std::string& error) override {
        history_.finishRunOrReport(*conn_, runId, outcome, totals, error);
    }
    void startStream(std::int64_t runId, const std::string& stream) override {
        history_.startStream(*conn_, runId, stream);
    }
    void finishStreamOrReport(std::int64_t runId, const std::string& stream, RunOutcome outcome,
                              const Totals& totals, const std::string& error) override {
        history_.finishStreamOrReport(*conn_, runId, stream, outcome, totals, error);
    }
    const std::string& writeFailure() const override { return history_.writeFailure(); }
    std::int64_t streamRunCount(const std::string& stream) override {
        return history_.streamRunCount(*conn_, stream);
    }
    Checkpoint loadCheckpoint(const std::string& stream) override {
        pqxx::work tx(*conn_);
        Checkpoint cp = state_.load(tx, stream);
        tx.commit();
        return cp;
    }
    std::unique_ptr<HeldLock> lockStream(const std::string& stream, double waitSeconds) override {
        return std::make_unique<PostgresLock>(TargetDatabase::lockStream(*conn_, schema_, stream, waitSeconds));
    }
    std::unique_ptr<StreamTarget> openWriter(const StreamSpec& spec, std::optional<std::int64_t> runId) override {
        return std::make_unique<PostgresWriter>(*conn_, schema_, spec, runId,
                                                [dsn = dsn_] { return TargetDatabase::connect(dsn); });
    }
    void prepareShadow(const StreamSpec& spec) override { ShadowTables::prepare(*conn_, schema_, spec); }
    void swapInShadow(const StreamSpec& spec) override { ShadowTables::swapIn(*conn_, schema_, spec); }

private:
    std::string dsn_;
    std::unique_ptr<pqxx::connection> conn_;
    std::string schema_;
    RunHistory history_;
    StateStore state_;
};

}  // namespace

std::unique_ptr<RunTarget> openPostgresRunTarget(const std::string& dsn, const std::string& schema,
                                                 bool recording) {
    return std::make_unique<PostgresRunTarget>(dsn, schema, recording);
}

}  // namespace intouch
