#pragma once
// The rows of one child table across the records of a page, for the writers that COPY them
// (the table, its staging table, its version table).

#include <cstddef>
#include <vector>

#include "mapping/MappedRecord.hpp"

namespace intouch {

// Whether some record has rows of child table `i` (a COPY is opened only then).
inline bool hasChildRows(const std::vector<const MappedRecord*>& records, std::size_t i) {
    for (const MappedRecord* rec : records)
        if (i < rec->children.size() && !rec->children[i].empty()) return true;
    return false;
}

// Calls visit(record, row) for each row of child table `i`, records in page order.
template <class Visit>
void forEachChildRow(const std::vector<const MappedRecord*>& records, std::size_t i, Visit visit) {
    for (const MappedRecord* rec : records) {
        if (i >= rec->children.size()) continue;
        for (const auto& row : rec->children[i]) visit(*rec, row);
    }
}

}  // namespace intouch
