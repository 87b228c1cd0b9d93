#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Value.h"

namespace intouch::sim {

// Records are immutable once shared: a mutation builds a new Record and swaps the pointer,
// so a page can be serialized outside the data-set lock from a consistent snapshot.
struct Record {
    int64_t id = 0;
    std::vector<Value> values;  // aligned with ResourceSchema::fields
    // JSON of the resource's default list view, filled only with --precompute.
    std::string cachedJson;
};

using RecordPtr = std::shared_ptr<const Record>;

}  // namespace intouch::sim
