#pragma once
// Where decoded columns (`decode: LIST`) find their labels: the code lists the `lists` stream
// stores (mappings/lists.yaml). Each list item is a row of that stream's child table, keyed
// by the list's id (parent_<key>); its `name` is the code and its `value` the label (the CRM
// pairs them the same way in records: `country` CZ with `countryValue` "Česká republika"),
// and idx keeps the list's order.

#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

inline constexpr const char* kCodeListStream = "lists";

struct CodeListSource {
    std::string itemsTable;               // e.g. lists_items
    std::string listColumn;               // e.g. parent_id: the list's id
    std::string codeColumn = "name";      // the code as records carry it
    std::string labelColumn = "value";    // what the code means
    std::string orderColumn = "idx";      // the item's place in the list
};

// The code lists of these streams: the stream named `lists`, with one key column and a
// child table mapping `name` and `value`; nullopt when the mappings have none.
std::optional<CodeListSource> findCodeListSource(const std::vector<StreamSpec>& streams);

// Whether a stream or any of its child tables decodes a column.
bool decodesAnything(const StreamSpec& spec);

}  // namespace intouch
