#pragma once
// Writes one page of mapped records per transaction: rows are COPYed into a
// per-session staging table, then moved into the target with one set-based
// upsert, the children of every changed parent are replaced (COPYed straight
// into the child table: only the upsert says which parents changed, so children
// need no staging of their own), rejects are stored,
// and the stream's checkpoint is advanced -- all in the same transaction, so a
// kill at any moment leaves either the whole page with its checkpoint or neither.
//
// A first sync (the table, its children and open versions empty, no checkpoint, decided
// once per writer in its first page's transaction, under the stream's lock) skips the
// staging and the upsert: rows are COPYed straight into the target (writeDirect). Records
// that overlapping pages read twice are dropped in memory against the previous page's
// keys; anything else that might conflict sends the page through the guarded upsert.
// With history, such pages leave their rows' first versions owed (HistoryWriter::markOwed)
// and the end of the stream writes them all at once; any other write to the stream's
// tables writes them first.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "sink/HistoryWriter.hpp"
#include "sink/PageBatch.hpp"
#include "sink/StreamTarget.hpp"
#include "state/StateStore.hpp"
#include "state/Totals.hpp"

namespace intouch {

class PostgresWriter final : public StreamTarget {
public:
    // Opens another session on the same database (PostgresRunTarget's DSN); none: the
    // writer uses only `conn`.
    using SecondConnection = std::function<std::unique_ptr<pqxx::connection>()>;
    PostgresWriter(pqxx::connection_base& conn, std::string schema, const StreamSpec& spec,
                   std::optional<std::int64_t> runId, SecondConnection secondConnection = {});

    // The StreamTarget operations (sink/StreamTarget.hpp says what each promises).
    Totals writePage(const PageBatch& batch) override;
    Totals writePages(std::vector<PageBatch>& pages) override;
    Totals replaceAll(const PageBatch& batch) override;
    // The ids a reconcile has seen are collected in a session table.
    void beginReconcile() override;
    Totals writeReconcilePage(const PageBatch& batch,
                             const std::vector<std::int64_t>& seenIds) override;
    std::int64_t finishReconcile(bool hardDelete) override;
    std::int64_t liveRows() override;
    bool holdsMoreLiveRowsThan(std::int64_t total) override;
    // After pages went direct (a first sync, a full refresh's shadow): ANALYZE the tables
    // they filled, so that the next run's statements are planned for their size rather
    // than for the empty tables the planner last saw (autovacuum would come later, and
    // charge the work to whatever runs then). Before that, the versions a first sync owes
    // (payOwedVersions), unless a stop was asked: they wait for the next write.
    void finishStream() override;

    // How the pages of writePage/writePages were written (tests and logs read it).
    struct PathCounts {
        std::int64_t direct = 0;    // COPYed straight into the target
        std::int64_t upserted = 0;  // through staging and the guarded upsert
        // Of the upserted: pages of a first sync that could not go direct.
        std::int64_t fellBack = 0;
    };
    const PathCounts& pathCounts() const { return paths_; }

private:
    struct Upserted {
        std::int64_t changed = 0;  // rows inserted or updated
        std::int64_t updated = 0;  // of which rows that existed before (may have children)
        // Of every changed row: the key values as text, each followed by '\0'.
        std::unordered_set<std::string> keys;
    };

    // One transaction: `steps`, then the batch's checkpoint, then commit. A lost
    // connection or an SQL error leaves as a TargetError saying `what` failed.
    // `relaxed`: the commit does not wait for the WAL flush (see transact()).
    Totals transact(const std::string& what, const PageBatch& batch,
                    const std::function<Totals(pqxx::transaction_base&)>& steps,
                    bool relaxed = false);
    enum class Path { Direct, Upsert, FellBack };
    // writePage's steps: the first-sync decision, then direct or upsert.
    Totals writeIncremental(pqxx::transaction_base& tx, const PageBatch& batch, Path& path);
    void decideFirstSync(pqxx::transaction_base& tx);
    // The first-sync path; falls back to upsertPage for a page it cannot prove conflict-free.
    Totals writeDirect(pqxx::transaction_base& tx, const PageBatch& batch, Path& path);
    void count(Path path);
    void copyKeysOfRows(pqxx::transaction_base& tx, const std::vector<const MappedRecord*>& rows);
    void rememberKeys(const PageBatch& batch);
    std::string writingPage() const;
    // What every page does in its transaction: rows, children of changed rows, rejects.
    Totals upsertPage(pqxx::transaction_base& tx, const PageBatch& batch);
    void ensureStaging(pqxx::transaction_base& tx);
    void copyRows(pqxx::transaction_base& tx, const PageBatch& batch);
    std::string upsertSql(bool distinct) const;
    // `distinct`: the staged page holds some key twice.
    Upserted upsert(pqxx::transaction_base& tx, bool distinct);
    std::vector<const MappedRecord*> changedRecords(const PageBatch& batch, const Upserted& up) const;
    void replaceChildren(pqxx::transaction_base& tx, const PageBatch& batch, const Upserted& up);
    // Child table i when some changed parents existed before: only the child rows that
    // differ are deleted and inserted. `any`: some changed record has rows of child i.
    void replaceChildrenOfUpdated(pqxx::transaction_base& tx, std::size_t i,
                                  const std::vector<const MappedRecord*>& changed, bool any);
    // Before any write that is not a direct page: the versions a first sync left owed.
    void recordOwedVersions(pqxx::transaction_base& tx);
    // After a commit: what it did to the mark is now the stream's.
    void settleOwedVersions();
    // finishStream's payment: the children's versions in a transaction on conn_ and the
    // rows' own in one on a second connection, at once (each is a statement over the whole
    // table, one core each); the mark is cleared once both have committed.
    void payOwedVersions();
    // Whether a payment may give every live row a version without looking for one.
    bool noRowHasAVersion() const;
    void logVersionsPaid(std::int64_t versions) const;
    void storeRejects(pqxx::transaction_base& tx, const PageBatch& batch);
    void clearRejects(pqxx::transaction_base& tx);
    // Full replace: removes the rows the read did not bring; returns how many.
    std::int64_t deleteUnread(pqxx::transaction_base& tx, const PageBatch& batch);

    pqxx::connection_base& conn_;
    std::string schema_;
    const StreamSpec& spec_;
    std::optional<std::int64_t> runId_;
    SecondConnection secondConnection_;
    StateStore state_;
    // Session tables: the staged page, the keys its upsert changed, a reconcile's seen ids.
    std::string stage_, upserted_, seen_;
    HistoryWriter history_;  // reads upserted_

    bool stagingReady_ = false;
    std::vector<bool> childStagesReady_;  // the session's child staging tables, by child
    std::string upsertSql_, upsertDistinctSql_;  // built once
    // Unknown until the first page: whether sync_rejects may hold rows of this stream (the
    // stream's lock keeps other runs from adding any); when not, nothing needs clearing.
    std::optional<bool> rejectsMayExist_;
    std::optional<bool> direct_;  // the first-sync decision
    int conflicts_ = 0;           // direct pages the database refused (duplicate key)
    bool copiedDirect_ = false;   // this transaction COPYed rows straight into the target
    // Versions owed (HistoryWriter::recordOwed): whether the stream has the mark, as last
    // committed (unknown until read, and after a transaction failed); what the current
    // transaction did to it; and whether direct pages still defer their versions. The
    // first write that pays them mid-run ends the deferring for the run: each payment
    // reads the whole table, so direct pages after it COPY their versions with them.
    std::optional<bool> versionsOwed_;
    bool owedMarkedInTx_ = false, owedPaidInTx_ = false;
    bool deferVersions_ = true;
    // Keys (rowKey) and record_hash of the previous page written: what the overlap re-reads.
    std::unordered_map<std::string, std::string> previousKeys_;
    std::vector<std::size_t> keyColumnAt_;  // the primary key's places in valueColumns()
    PathCounts paths_;
};

}  // namespace intouch
