#pragma once

#include <string_view>

#include "Record.h"
#include "Schema.h"

namespace intouch::sim {

// Fills a record by field name so generators read like the field list; unset fields stay
// Absent (left out of the JSON).
class RecordBuilder {
  public:
    RecordBuilder(Resource r, int64_t id);

    // Throws std::logic_error for a name the schema does not have: a typo must not
    // silently drop a field.
    RecordBuilder& set(std::string_view field, Value v);
    Record build() { return std::move(record_); }

  private:
    Resource resource_;
    Record record_;
};

std::size_t fieldIndex(Resource r, std::string_view field);

}  // namespace intouch::sim
