#pragma once
// The COMMENTs of a stream's tables: what the mapping files say each table and column holds
// (`description:`), and fixed texts for the columns the table layout adds (extra, raw,
// record_hash, synced_at, deleted_at, parent_<key>, idx). `migrate` sets them and `check`
// compares them, so that `\d+` and BI tools document the warehouse.

#include <string>
#include <utility>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

struct TableComments {
    std::string table;    // unqualified
    std::string comment;  // of the table; "" = none
    // (column, comment) in table order; a column without a description is left out.
    std::vector<std::pair<std::string, std::string>> columns;
};

// The parent table first, then its child tables.
std::vector<TableComments> tableComments(const StreamSpec& spec);

// COMMENT ON TABLE / COLUMN statements, unqualified (run with search_path set).
std::string commentOnTableSql(const std::string& table, const std::string& comment,
                              const char* kind = "TABLE");
std::string commentOnColumnSql(const std::string& table, const std::string& column,
                               const std::string& comment);
std::string commentsSql(const TableComments& t, const char* kind = "TABLE");

// A decoded column's comment: its description, then where its codes are decoded.
std::string decodedColumnComment(const ColumnSpec& c, const std::string& viewName);

}  // namespace intouch
