// RunTarget on the SQLite file. The run history lives in the file's sync_runs and
// sync_stream_runs (each write its own short transaction, as with PostgreSQL).
//
// Locks: a lock must die with its process (a SIGKILLed run must not block the next one),
// which rows in a table do not. SQLite's own locks do, but a transaction held open for a
// whole stream would block every other writer of the file. So a stream's lock is an flock()
// on <file>.locks/<stream>.lock (released by the kernel when the process ends, however it
// ends); a run holds <file>.locks/run-<id>.lock while it lives, so that a later run marks a
// run still `running` whose lock is free as abandoned -- as PostgreSQL's advisory locks do.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/RunTarget.hpp"
#include "sink/ShadowTables.hpp"
#include "sink/SqliteDatabase.hpp"
#include "sink/SqliteSchema.hpp"
#include "sink/SqliteState.hpp"
#include "sink/SqliteWriter.hpp"

namespace intouch {

namespace {

class FileLock final : public HeldLock {
public:
    explicit FileLock(int fd) : fd_(fd) {}
    ~FileLock() override {
        flock(fd_, LOCK_UN);
        close(fd_);
    }

private:
    int fd_;
};

// A file name for a stream name ("parties:full-refresh" has a colon; names are the mapping's).
std::string lockName(const std::string& name) {
    std::string out;
    for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out + ".lock";
}

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')";

class SqliteRunTarget final : public RunTarget {
public:
    SqliteRunTarget(const std::string& path, bool recording)
        : db_(path, true), lockDir_(path + ".locks"), recording_(recording) {}

    bool oneWriterAtATime() const override { return true; }

    void requireMigrated() override { requireSqliteMigrated(db_); }

    std::int64_t startRun(const std::string& command, const std::vector<std::string>& streams) override {
        if (!recording_) return 0;
        std::string names = "[";
        for (const auto& s : streams) {
            if (names.size() > 1) names += ',';
            names += "\"" + s + "\"";
        }
        names += "]";
        std::int64_t runId = 0;
        inSqliteTransaction(db_, [&] {
            SqliteStatement st(db_.handle(),
                               "INSERT INTO sync_runs (command, streams) VALUES (?, json(?)) RETURNING run_id",
                               db_.path());
            st.bindText(1, command);
            st.bindText(2, names);
            st.step();
            runId = st.columnInt(0);
            st.step();
        });
        runLock_ = tryLock(lockName("run-" + std::to_string(runId)));
        markAbandoned(runId);
        return runId;
    }

    void finishRunOrReport(std::int64_t runId, RunOutcome outcome, const Totals& t,
                           const std::string& error) override {
        if (!recording_) return;
        try {
            inSqliteTransaction(db_, [&] {
                SqliteStatement st(db_.handle(),
                                   std::string("UPDATE sync_runs SET finished_at = ") + kNow +
                                       ", outcome = ?, records_upserted = ?, records_deleted = ?, "
                                       "records_rejected = ?, requests = ?, retries = ?, bytes = ?, error = ? "
                                       "WHERE run_id = ?",
                                   db_.path());
                st.bindText(1, outcomeText(outcome));
                st.bindInt(2, t.upserted);
                st.bindInt(3, t.deleted);
                st.bindInt(4, t.rejected);
                st.bindInt(5, t.requests);
                st.bindInt(6, t.retries);
                st.bindInt(7, t.bytes);
                if (error.empty()) st.bindNull(8);
                else st.bindText(8, error);
                st.bindInt(9, runId);
                st.step();
            });
            if (runLock_) {
                // The run is over as far as others care; its lock file has no further use.
                runLock_.reset();
                std::error_code ec;
                std::filesystem::remove(lockDir_ + "/" + lockName("run-" + std::to_string(runId)), ec);
            }
        } catch (const std::exception& e) {
            writeFailure_ = "could not record the outcome '" + std::string(outcomeText(outcome)) + "' of run " +
                            std::to_string(runId) + " in " + db_.path() + " sync_runs: " + e.what();
            log::error("could not record the run's outcome in the run history",
                       {{"run_id", std::to_string(runId)}, {"error", e.what()}});
        }
    }

    void startStream(std::int64_t runId, const std::string& stream) override {
        if (!recording_) return;
        inSqliteTransaction(db_, [&] {
            SqliteStatement st(db_.handle(),
                               std::string("INSERT INTO sync_stream_runs (run_id, stream, started_at) VALUES (?, ?, ") +
                                   kNow + ") ON CONFLICT (run_id, stream) DO NOTHING",
                               db_.path());
            st.bindInt(1, runId);
            st.bindText(2, stream);
            st.step();
        });
    }

    void finishStreamOrReport(std::int64_t runId, const std::string& stream, RunOutcome outcome,
                              const Totals& t, const std::string& error) override {
        if (!recording_) return;
        try {
            inSqliteTransaction(db_, [&] {
                SqliteStatement st(db_.handle(),
                                   std::string("UPDATE sync_stream_runs SET finished_at = ") + kNow +
                                       ", outcome = ?, records_seen = ?, records_upserted = ?, records_deleted = ?, "
                                       "records_rejected = ?, requests = ?, error = ? WHERE run_id = ? AND stream = ?",
                                   db_.path());
                st.bindText(1, outcomeText(outcome));
                st.bindInt(2, t.seen);
                st.bindInt(3, t.upserted);
                st.bindInt(4, t.deleted);
                st.bindInt(5, t.rejected);
                st.bindInt(6, t.requests);
                if (error.empty()) st.bindNull(7);
                else st.bindText(7, error);
                st.bindInt(8, runId);
                st.bindText(9, stream);
                st.step();
            });
        } catch (const std::exception& e) {
            writeFailure_ = "could not record the outcome '" + std::string(outcomeText(outcome)) + "' of stream " +
                            stream + " (run " + std::to_string(runId) + ") in " + db_.path() + ": " + e.what();
            log::error("could not record the stream's outcome in the run history",
                       {{"run_id", std::to_string(runId)}, {"stream", stream}, {"error", e.what()}});
        }
    }

    const std::string& writeFailure() const override { return writeFailure_; }

    std::int64_t streamRunCount(const std::string& stream) override {
        SqliteStatement st(db_.handle(), "SELECT count(*) FROM sync_stream_runs WHERE stream = ?", db_.path());
        st.bindText(1, stream);
        st.step();
        return st.columnInt(0);
    }

    Checkpoint loadCheckpoint(const std::string& stream) override { return sqlite_state::load(db_, stream); }

    std::unique_ptr<HeldLock> lockStream(const std::string& stream, double waitSeconds) override {
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::milliseconds(static_cast<std::int64_t>(waitSeconds * 1000));
        bool logged = false;
        while (true) {
            if (auto lock = tryLock(lockName(stream))) return lock;
            if (std::chrono::steady_clock::now() >= deadline)
                throw LockedError("stream '" + stream + "' in " + db_.path() +
                                  " is being synced by another run; try again later or pass --wait-lock SECONDS");
            if (!logged) {
                log::info("waiting for another run to release the stream", {{"stream", stream}});
                logged = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    std::unique_ptr<StreamTarget> openWriter(const StreamSpec& spec, std::optional<std::int64_t> runId) override {
        return std::make_unique<SqliteWriter>(db_, spec, runId);
    }

    void prepareShadow(const StreamSpec& spec) override {
        const StreamSpec shadow = ShadowTables::shadowSpec(spec);
        inSqliteTransaction(db_, [&] {
            SqliteStatement st(db_.handle(), "SELECT 1 FROM sync_state WHERE stream = ?", db_.path());
            st.bindText(1, shadow.name);
            if (db_.tableExists(shadow.table) && st.step()) {
                log::info("resuming an interrupted full refresh", {{"stream", spec.name}});
                return;
            }
            dropShadow(shadow);
            db_.exec(sqliteStreamTablesSql(shadow), "creating the full refresh's tables");
            for (const char* table : {"sync_state", "sync_rejects"}) {
                SqliteStatement del(db_.handle(), std::string("DELETE FROM ") + table + " WHERE stream = ?",
                                    db_.path());
                del.bindText(1, shadow.name);
                del.step();
            }
        });
    }

    void swapInShadow(const StreamSpec& spec) override {
        const StreamSpec shadow = ShadowTables::shadowSpec(spec);
        try {
            inSqliteTransaction(db_, [&] {
                // Readers of the file see the old content until the commit, then the new.
                db_.exec("DELETE FROM " + quoteIdent(spec.table));  // children cascade
                const std::string cols = identList(sqliteTableColumns(spec, -1));
                db_.exec("INSERT INTO " + quoteIdent(spec.table) + " (" + cols + ") SELECT " + cols + " FROM " +
                         quoteIdent(shadow.table));
                for (std::size_t i = 0; i < spec.children.size(); ++i) {
                    const std::string ccols = identList(sqliteTableColumns(spec, static_cast<int>(i)));
                    db_.exec("INSERT INTO " + quoteIdent(spec.children[i].table) + " (" + ccols + ") SELECT " +
                             ccols + " FROM " + quoteIdent(shadow.children[i].table));
                }
                dropShadow(shadow);
                for (const char* table : {"sync_state", "sync_rejects"}) {
                    SqliteStatement del(db_.handle(), std::string("DELETE FROM ") + table + " WHERE stream = ?",
                                        db_.path());
                    del.bindText(1, spec.name);
                    del.step();
                    SqliteStatement move(db_.handle(),
                                         std::string("UPDATE ") + table + " SET stream = ? WHERE stream = ?",
                                         db_.path());
                    move.bindText(1, spec.name);
                    move.bindText(2, shadow.name);
                    move.step();
                }
            });
        } catch (const TargetError& e) {
            throw TargetError("swapping in the full refresh of " + spec.name + " failed: " + e.what() +
                              " (the old data is unchanged; the next --full-refresh resumes)");
        }
    }

private:
    void dropShadow(const StreamSpec& shadow) {
        for (const auto& child : shadow.children) db_.exec("DROP TABLE IF EXISTS " + quoteIdent(child.table));
        db_.exec("DROP TABLE IF EXISTS " + quoteIdent(shadow.table));
    }

    std::unique_ptr<HeldLock> tryLock(const std::string& name) {
        std::error_code ec;
        std::filesystem::create_directories(lockDir_, ec);
        const std::string file = lockDir_ + "/" + name;
        const int fd = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            throw TargetError("cannot create the lock file " + file + ": " + std::strerror(errno) +
                              " (the directory of the SQLite file must be writable)");
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return std::make_unique<FileLock>(fd);
        close(fd);
        return nullptr;
    }

    void markAbandoned(std::int64_t ownRunId) {
        std::vector<std::int64_t> running;
        {
            SqliteStatement st(db_.handle(), "SELECT run_id FROM sync_runs WHERE outcome = 'running' AND run_id <> ?",
                               db_.path());
            st.bindInt(1, ownRunId);
            while (st.step()) running.push_back(st.columnInt(0));
        }
        for (std::int64_t id : running) {
            auto probe = tryLock(lockName("run-" + std::to_string(id)));
            if (!probe) continue;  // that run is alive
            inSqliteTransaction(db_, [&] {
                const std::string why = "the run ended without recording its end (killed?)";
                for (const char* table : {"sync_runs", "sync_stream_runs"}) {
                    SqliteStatement st(db_.handle(),
                                       std::string("UPDATE ") + table +
                                           " SET outcome = 'abandoned', error = coalesce(error, ?) "
                                           "WHERE run_id = ? AND outcome = 'running'",
                                       db_.path());
                    st.bindText(1, why);
                    st.bindInt(2, id);
                    st.step();
                }
            });
            probe.reset();
            std::error_code ec;
            std::filesystem::remove(lockDir_ + "/" + lockName("run-" + std::to_string(id)), ec);
            log::warn("an earlier run never recorded its end; marked abandoned", {{"run_id", std::to_string(id)}});
        }
    }

    SqliteDatabase db_;
    std::string lockDir_;
    bool recording_;
    std::string writeFailure_;
    std::unique_ptr<HeldLock> runLock_;
};

}  // namespace

std::unique_ptr<RunTarget> openSqliteRunTarget(const std::string& path, bool recording) {
    return std::make_unique<SqliteRunTarget>(path, recording);
}

}  // namespace intouch
