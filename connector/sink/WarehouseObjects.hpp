#pragma once
// What the warehouse holds beyond the tables, derived from the mappings: the COMMENTs of
// tables and columns (mapping `description:`) and the `<table>_current` views. Both are
// idempotent, so `migrate` keeps them in step with the mappings after the numbered
// migrations instead of needing a migration file for every change of a description;
// `check` reports where they differ, `plan` prints the COMMENTs.

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/CodeListSource.hpp"
#include "mapping/CurrentView.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

struct WarehouseDrift {
    enum class Kind { Comment, MissingView, OutdatedView };
    Kind kind;
    std::string relation;  // table or view
    std::string column;    // "" = the relation's own comment
    std::string expected;  // Comment: the comment the mapping gives
    bool onView = false;   // a current view's (migrate's own business, not plan's)
    std::string describe() const;
};

// Differences between the mappings and the comments and views of this stream's tables.
// Tables or columns that do not exist are left to findSchemaDrift.
std::vector<WarehouseDrift> findWarehouseDrift(pqxx::transaction_base& tx,
                                               const std::string& schema,
                                               const StreamSpec& spec,
                                               const std::optional<CodeListSource>& lists);

// COMMENT statements for the Comment items of tables (of views with views = true),
// unqualified, for a migration file.
std::string commentRepairSql(const std::vector<WarehouseDrift>& drift, bool views = false);

struct WarehouseUpdate {
    std::size_t comments = 0;           // comments set
    std::vector<std::string> views;     // views created or replaced
    std::vector<std::string> skipped;   // "stream: why", for streams whose tables differ
};

// Sets the comments that differ and (re)creates the views that are missing or out of step,
// one transaction per stream. A stream whose tables do not match its mapping is skipped
// (and named): `check` and `plan` say how to repair it.
WarehouseUpdate updateWarehouseObjects(pqxx::connection_base& conn, const std::string& schema,
                                       const std::vector<StreamSpec>& streams,
                                       const std::optional<CodeListSource>& lists);

}  // namespace intouch
