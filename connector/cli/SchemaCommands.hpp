#pragma once
// `check`'s comparison of the mappings with the live tables, and `plan`, which
// prints the migration SQL that would make the database match the mappings.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include <optional>

#include "mapping/CodeListSource.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

// Prints one line per difference; returns how many would break writes or leave personal
// data the mappings hide in the tables. Differences of comments and current views are notes
// (they do not break writes).
std::size_t printSchemaDrift(pqxx::connection_base& conn, const std::string& schema,
                             const std::vector<StreamSpec>& streams,
                             const std::optional<CodeListSource>& lists);

// Prints SQL for a new numbered file in migrations/ (nothing when in sync): DDL, then the
// COMMENTs that differ from the mappings' descriptions; the views are migrate's own.
void printSchemaPlan(pqxx::connection_base& conn, const std::string& schema,
                     const std::vector<StreamSpec>& streams,
                     const std::optional<CodeListSource>& lists);

}  // namespace intouch
