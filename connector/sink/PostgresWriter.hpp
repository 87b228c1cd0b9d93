#pragma once
// Writes one page of mapped records per transaction: rows are COPYed into a
// per-session staging table, then moved into the target with one set-based
// upsert, the children of every changed parent are replaced (COPYed straight
// into the child table: only the upsert says which parents changed, so children
// need no staging of their own), rejects are stored,
// and the stream's checkpoint is advanced -- all in the same transaction, so a
// kill at any moment leaves either the whole page with its checkpoint or neither.

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
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
    PostgresWriter(pqxx::connection_base& conn, std::string schema, const StreamSpec& spec,
                   std::optional<std::int64_t> runId);

    // Incremental streams: upsert the page; an older version never overwrites a newer one.
    Totals writePage(const PageBatch& batch) override;
    // Consecutive pages of one stream, in read order, in ONE transaction (group
    // commit when the writer has fallen behind the reader); the result is what
    // writing them one by one would leave. Only the last page may carry rejects:
    // an earlier page's reject could be for a record a later page brings valid,
    // whose upsert must then clear it.
    Totals writePages(std::vector<PageBatch>& pages) override;
    // Streams re-read whole (members, lists, files): the table becomes exactly
    // `batch.records`, atomically, touching only rows that changed.
    Totals replaceAll(const PageBatch& batch) override;

    // Reconciliation (finding deletions): pages of a full id-order walk are
    // upserted like any page (which also undeletes records that came back), and
    // their ids collected in a session table; finishReconcile then marks the
    // rows whose ids were not seen.
    void beginReconcile() override;
    Totals writeReconcilePage(const PageBatch& batch,
                             const std::vector<std::int64_t>& seenIds) override;
    // Marks (soft: deleted_at = now()) or removes (hard, children cascade) live rows
    // not seen; returns how many.
    std::int64_t finishReconcile(bool hardDelete) override;
    // Rows of the table not marked deleted.
    std::int64_t liveRows() override;

private:
    struct Upserted {
        std::int64_t changed = 0;  // rows inserted or updated
        std::int64_t updated = 0;  // of which rows that existed before (may have children)
        // Of every changed row: the key values as text, each followed by '\0'.
        std::unordered_set<std::string> keys;
    };

    // One transaction: `steps`, then the batch's checkpoint, then commit. A lost
    // connection or an SQL error leaves as a TargetError saying `what` failed.
    Totals transact(const std::string& what, const PageBatch& batch,
                    const std::function<Totals(pqxx::transaction_base&)>& steps);
    std::string writingPage() const;
    // What every page does in its transaction: rows, children of changed rows, rejects.
    Totals upsertPage(pqxx::transaction_base& tx, const PageBatch& batch);
    void ensureStaging(pqxx::transaction_base& tx);
    void copyRows(pqxx::transaction_base& tx, const PageBatch& batch);
    std::string upsertSql() const;
    Upserted upsert(pqxx::transaction_base& tx);
    std::vector<const MappedRecord*> changedRecords(const PageBatch& batch, const Upserted& up) const;
    void replaceChildren(pqxx::transaction_base& tx, const PageBatch& batch, const Upserted& up);
    void storeRejects(pqxx::transaction_base& tx, const PageBatch& batch);
    void clearRejects(pqxx::transaction_base& tx);
    // Full replace: removes the rows the read did not bring; returns how many.
    std::int64_t deleteUnread(pqxx::transaction_base& tx, const PageBatch& batch);

    pqxx::connection_base& conn_;
    std::string schema_;
    const StreamSpec& spec_;
    std::optional<std::int64_t> runId_;
    StateStore state_;
    // Session tables: the staged page, the keys its upsert changed, a reconcile's seen ids.
    std::string stage_, upserted_, seen_;
    HistoryWriter history_;  // reads upserted_

    bool stagingReady_ = false;
};

}  // namespace intouch
