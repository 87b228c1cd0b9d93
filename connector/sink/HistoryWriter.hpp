#pragma once
// Keeps every version of the records of a stream with `history: true` (issue 17): in the
// transaction that writes a page, each row the upsert changed gets a new version in
// <table>_history (valid_from = its cursor value, or the run's time for full-replace
// streams) and its previous version is closed (valid_to = the new valid_from); the child
// rows of a new version are versioned with it. Rows deleted (reconcile, full replace) have
// their open version closed. Because it runs in the page's own transaction, a kill leaves
// either the page with its versions or neither: no gap, no duplicate; and because a version
// is opened only when a row's record_hash differs from its open version's, re-reads and
// unchanged records add nothing.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/MappedRecord.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

class HistoryWriter {
  public:
    // `upserted`: the writer's session table of the keys its upserts changed.
    HistoryWriter(std::string schema, const StreamSpec& spec, std::string upserted);

    bool enabled() const { return spec_.history; }
    // After the page's upsert and child replacement: the rows the upserts changed.
    void recordChanged(pqxx::transaction_base& tx) const;
    // After rows were COPYed straight into a table whose history had no open version
    // (PostgresWriter's first sync): each row in `upserted` gets its first version, without
    // looking for an open one to close (there is none, and these rows are new).
    void recordInserted(pqxx::transaction_base& tx) const;
    // The same first versions as recordInserted, COPYed straight from the records that were
    // COPYed into the table (`rows`), instead of read back from it with a join: the same
    // text goes into the same column types, so the versions hold the same values. Returns
    // false, having written nothing, when the stream's cursor column is not timestamptz
    // (the text of a `timestamp` column may carry an offset that the column drops and
    // valid_from would keep): recordInserted is then the way.
    bool copyInserted(pqxx::transaction_base& tx, const std::vector<const MappedRecord*>& rows) const;
    // Versions owed (sync_versions_owed): a first sync with history COPYs its pages' rows
    // without versions and writes all their first versions at the end of the stream, one
    // statement per version table (PostgresWriter says why). markOwed, in a page's
    // transaction, records that the stream's rows may lack their first version;
    // recordOwed, in the transaction of any other write to the stream's tables, clears the
    // mark and, when there was one, pays everything (payOwed, OwedPart::All), returning the
    // number of rows given a version (nothing when there was no mark). So a kill or failure
    // in between leaves rows without versions only until the stream's tables are next
    // written, which writes them first: an intermediate version read during the first sync
    // is still recorded before the upsert that replaces it, and none is written twice.
    void markOwed(pqxx::transaction_base& tx) const;
    // `noRowHasAVersion`: the caller knows that no row of the table has an open version
    // (a first sync's writer, before its first payment), so every live row gets one
    // without looking; otherwise the rows without one are found first.
    std::optional<std::int64_t> recordOwed(pqxx::transaction_base& tx,
                                           bool noRowHasAVersion = false) const;
    // What one payment writes. Each version table is paid on its own evidence: a live row
    // without an open version gets its first, and so do the child rows of a live row with
    // no open version in that child's version table (an open version always has its
    // children's, written in its transaction). So the parts may be paid in separate
    // transactions, committed in either order, and a part paid twice (the other's
    // transaction failed, the mark stayed) adds nothing the second time; the mark is
    // cleared (clearOwed) once every part is committed.
    enum class OwedPart { Rows, Children, All };
    // The end of a stream (PostgresWriter::finishStream) pays Rows and Children on two
    // connections at once: whether there is a mark, then each part, then clearOwed.
    bool isOwed(pqxx::transaction_base& tx) const;
    // Returns how many rows (not child rows) got a version.
    std::int64_t payOwed(pqxx::transaction_base& tx, OwedPart part, bool noRowHasAVersion) const;
    // Whether there was a mark.
    bool clearOwed(pqxx::transaction_base& tx) const;
    // After a full refresh swapped the table's whole content in: every row.
    void recordAll(pqxx::transaction_base& tx) const;
    // After rows were marked deleted or removed.
    void closeDeleted(pqxx::transaction_base& tx) const;

  private:
    // How a statement keeps the rows to record: a condition on the target (t) or, for the
    // statement that closes changed versions, on its version table (h), "TRUE" when it keeps
    // all; or, for a composite key, `join` with the session table of changed keys.
    struct Changed {
        std::string join;
        std::string target = "TRUE", history = "TRUE";
    };
    Changed changed(bool all) const;
    void record(pqxx::transaction_base& tx, const Changed& changed) const;
    // The first version of each row `rows` keeps (openFirstRowVersions), and of the child
    // rows of child table i of each row `rows` keeps (openFirstChildVersions). `rows` must
    // not depend on the version tables (every caller fixes the rows first: changed keys,
    // owed keys, or all live rows), so the statements may run in any order. Returns how
    // many rows got one.
    std::int64_t openFirstRowVersions(pqxx::transaction_base& tx, const Changed& rows) const;
    void openFirstChildVersions(pqxx::transaction_base& tx, std::size_t i, const Changed& rows) const;
    // The live rows a payment writes the versions of into `history` (the table's or a
    // child's version table, matched on `historyKey`): all of them, or those without an
    // open version there, collected into a session table before any version is written.
    Changed owedRows(pqxx::transaction_base& tx, bool noRowHasAVersion, const std::string& table,
                     const std::vector<std::string>& historyKey) const;
    std::string validFrom() const;
    // `sql` ({owed}: sync_versions_owed; $1: the stream's name) run on the stream's mark.
    pqxx::result execOnMark(pqxx::transaction_base& tx, std::string_view sql) const;

    std::string schema_;
    const StreamSpec& spec_;
    std::string upserted_;
};

}  // namespace intouch
