#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "DateTimeFormat.h"

namespace intouch::sim {

// Money with exactly two decimals, kept in hundredths so its JSON text is exact.
struct Decimal {
    int64_t cents = 0;
    friend bool operator==(const Decimal&, const Decimal&) = default;
};
struct Date {  // "YYYY-MM-DD"
    std::string text;
    friend bool operator==(const Date&, const Date&) = default;
};
struct Time {  // "HH:MM:SS"
    std::string text;
    friend bool operator==(const Time&, const Time&) = default;
};
struct DateTime {  // written per --datetime-format, compared by instant
    int64_t epochSeconds = 0;
    friend bool operator==(const DateTime&, const DateTime&) = default;
};
// Nested arrays and objects (contacts, items, customFields) are never sorted or filtered,
// so they are kept as finished JSON text.
struct RawJson {
    std::string text;
    friend bool operator==(const RawJson&, const RawJson&) = default;
};
// A field the record does not carry at all: it is left out of the JSON object.
struct Absent {
    friend bool operator==(const Absent&, const Absent&) = default;
};

using Value = std::variant<Absent, std::nullptr_t, bool, int64_t, Decimal, std::string, Date, Time,
                           DateTime, RawJson>;

inline bool isPresent(const Value& v) {
    return !std::holds_alternative<Absent>(v);
}
inline bool isNullish(const Value& v) {
    return std::holds_alternative<Absent>(v) || std::holds_alternative<std::nullptr_t>(v);
}

// Natural order for orderBy: null (and absent) first, numbers numerically, strings, dates and
// times bytewise, datetimes by instant, false before true. Returns <0, 0, >0.
int compareValues(const Value& a, const Value& b);

// Appends the JSON value; Absent must be filtered out by the caller.
void appendValueJson(std::string& out, const Value& v, DateTimeFormat f);

}  // namespace intouch::sim
