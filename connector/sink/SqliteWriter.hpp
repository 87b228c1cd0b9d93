#pragma once
// StreamTarget on the SQLite file: each page (its rows, the children of changed parents,
// its rejects and its checkpoint) in one SQLite transaction (WAL), so a kill at any
// moment leaves either the whole page with its checkpoint or neither -- as PostgresWriter.
// The upsert is PostgresWriter's guard in SQLite's dialect: INSERT ... ON CONFLICT DO
// UPDATE ... WHERE the stored version is not newer (or is marked deleted) and the content
// differs, with the same repeated-autumn-hour admission. Rows go one prepared statement
// per row (an embedded database has no round trips to save).
//
// `history: true` is PostgreSQL-only: the SQLite target keeps the current rows only
// (a warning says so once per stream).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "sink/SqliteDatabase.hpp"
#include "sink/StreamTarget.hpp"

namespace intouch {

class SqliteWriter final : public StreamTarget {
public:
    SqliteWriter(SqliteDatabase& db, const StreamSpec& spec, std::optional<std::int64_t> runId);

    Totals writePage(const PageBatch& batch) override;
    Totals writePages(std::vector<PageBatch>& pages) override;
    Totals replaceAll(const PageBatch& batch) override;
    void beginReconcile() override;
    Totals writeReconcilePage(const PageBatch& batch,
                              const std::vector<std::int64_t>& seenIds) override;
    std::int64_t finishReconcile(bool hardDelete) override;
    std::int64_t liveRows() override;

private:
    // The rows and children of the page, its rejects (no transaction of its own).
    Totals upsertPage(const PageBatch& batch, const std::string& now);
    void storeRejects(const PageBatch& batch);
    std::int64_t deleteUnread(const PageBatch& batch);
    template <class F>
    Totals transact(const PageBatch& batch, F&& steps);

    SqliteDatabase& db_;
    const StreamSpec& spec_;
    std::optional<std::int64_t> runId_;
    std::vector<ColumnType> types_;
    std::vector<std::size_t> keyIndex_;  // of each key column in MappedRecord::values
    std::optional<std::size_t> cursorIndex_;
    std::unordered_set<std::int64_t> seen_;  // a reconcile's ids
};

}  // namespace intouch
