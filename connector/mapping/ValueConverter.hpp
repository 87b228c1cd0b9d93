#pragma once
// JSON value -> PostgreSQL text input form for one column type. Strict: a value
// of the wrong JSON kind is an error for the record, never a silent zero or a
// guess. The rules are documented in docs/mapping-language.md.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/Json.hpp"
#include "mapping/ColumnType.hpp"
#include "mapping/TimeZone.hpp"

namespace intouch {

// The message says what is wrong with the value; RecordMapper adds the column,
// the path and the value itself.
class ConversionError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ConversionContext {
    const TimeZone& zone;        // for date-times without an offset
    bool preferEarlier = true;   // the repeated autumn hour: first occurrence
    int* replacedNul = nullptr;  // incremented for each U+0000 replaced
};

// Non-null value -> text form. Throws ConversionError.
std::string convertValue(const json::Value& value, const ColumnType& type,
                         const ConversionContext& ctx);

// A date-time value (ISO 8601 with or without offset, or epoch milliseconds as
// a JSON integer or a string of digits) as UTC microseconds. Throws ConversionError.
std::int64_t instantMicros(const json::Value& value, const ConversionContext& ctx);

// Compact JSON for a jsonb column: U+0000 in strings and keys becomes U+FFFD
// (PostgreSQL jsonb refuses \u0000), and numbers numeric cannot hold are refused.
std::string jsonbText(const json::Value& value, int* replacedNul);
// jsonbText appended to `out`; appendJsonbString for one string (a key).
void appendJsonb(std::string& out, const json::Value& value, int* replacedNul);
void appendJsonbString(std::string& out, const std::string& s, int* replacedNul);

}  // namespace intouch
