#pragma once
// Reading the columns of a stream or child table from a mapping file.
// Internal to the loader.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/YamlReader.hpp"

namespace intouch {

// The `columns` list of a stream (inChild = false) or child table. `seen` maps
// column names to their name nodes, for duplicate and clash checks.
std::vector<ColumnSpec> readColumns(YamlReader& r, const Entries& e, const YAML::Node& owner,
                                    bool inChild, std::map<std::string, YAML::Node>& seen);

// The label columns of decoded columns (<name>_label / <name>_labels) sit beside the table's
// columns in its current view: each must not clash with a column of the table (`reserved`
// are its columns beyond the mapped ones) and must fit PostgreSQL's 63 characters.
void checkLabelColumns(YamlReader& r, const std::vector<ColumnSpec>& columns,
                       const std::map<std::string, YAML::Node>& seen,
                       const std::vector<std::string>& reserved);

}  // namespace intouch
