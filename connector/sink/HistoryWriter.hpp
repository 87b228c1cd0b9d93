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

#include <pqxx/pqxx>
#include <string>

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
    // After a full refresh swapped the table's whole content in: every row.
    void recordAll(pqxx::transaction_base& tx) const;
    // After rows were marked deleted or removed.
    void closeDeleted(pqxx::transaction_base& tx) const;

  private:
    // `changed`: the join that keeps the target's rows to record ("" for all of them).
    void record(pqxx::transaction_base& tx, const std::string& changed) const;
    std::string changedJoin() const;

    std::string schema_;
    const StreamSpec& spec_;
    std::string upserted_;
};

}  // namespace intouch
