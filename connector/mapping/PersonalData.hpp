#pragma once
// Applies a mapping's personal-data rules (`pii: exclude|hash` on columns, `extra_exclude:`,
// `extra_hash:`) to a record before the mapper reads it. Scrubbing the record itself, rather
// than the mapped values, is what keeps an excluded or clear value out of every place a
// record can reach: its columns, `extra`, `raw`, record_hash (an MD5 over the whole record
// would let anyone who can read the other columns test every possible birth number), a
// reject's raw JSON and the conversion errors that quote values.

#include <string>
#include <utility>
#include <vector>

#include "common/Json.hpp"
#include "mapping/JsonPath.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

class PersonalData {
  public:
    // Copies the rules and the spec's piiKey (the loader and the CLI have checked that a key
    // is set whenever something is hashed).
    explicit PersonalData(const StreamSpec& spec);

    bool any() const { return any_; }
    // A copy of `record`: excluded values removed (an object member is erased, an array
    // element becomes null so that positions stay), hashed values replaced by the HMAC's hex
    // text. Paths that do not reach a value, or reach null, change nothing.
    // Objects and arrays it changes (and all that hold them) lose their canonical span;
    // the rest keep the received record's, so that json::Value::appendJsonFrom can copy
    // them from the page text.
    json::Value scrub(const json::Value& record) const;
    // Whether scrub(record) would differ from `record`; when not, the mapper reads the
    // record as received and skips the copy.
    bool changes(const json::Value& record) const;

  private:
    struct Rules {
        std::vector<JsonPath> exclude, hash;
    };
    // True when it changed something.
    bool apply(const Rules& rules, json::Value& root) const;
    static bool changes(const Rules& rules, const json::Value& root);

    Rules record_;
    std::vector<std::pair<JsonPath, Rules>> children_;  // the array's path, rules per element
    std::string key_;
    bool any_ = false;
};

}  // namespace intouch
