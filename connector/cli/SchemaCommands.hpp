#pragma once
// `check`'s comparison of the mappings with the live tables, and `plan`, which
// prints the migration SQL that would make the database match the mappings.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

// Prints one line per difference; returns how many would break writes or leave personal
// data the mappings hide in the tables.
std::size_t printSchemaDrift(pqxx::connection_base& conn, const std::string& schema,
                             const std::vector<StreamSpec>& streams);

// Prints SQL for a new numbered file in migrations/ (nothing when in sync).
void printSchemaPlan(pqxx::connection_base& conn, const std::string& schema,
                     const std::vector<StreamSpec>& streams);

}  // namespace intouch
