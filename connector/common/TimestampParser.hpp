#pragma once
// Calendar arithmetic and the strict text forms of dates, times and date-times
// the CRM may send. Proleptic Gregorian, years 0001..9999, microseconds; no
// dependence on the process time zone or on timegm's range. The one parser for
// the mapper (CRM values), the state (PostgreSQL's timestamptz text) and the CLI
// (`state set --modified`).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace intouch {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Thrown with a message that says what is wrong with the text; the caller adds
// which column and value it was.
class TimestampError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

bool isLeapYear(std::int64_t year);
int daysInMonth(std::int64_t year, int month);
std::int64_t daysFromCivil(std::int64_t year, int month, int day);  // 1970-01-01 = 0
void civilFromDays(std::int64_t days, std::int64_t& year, int& month, int& day);
int weekdayFromDays(std::int64_t days);  // 0 = Sunday

// Smallest and largest instants we accept: 0001-01-01 00:00:00 .. 9999-12-31 23:59:59.999999.
std::int64_t minSupportedMicros();
std::int64_t maxSupportedMicros();

// "YYYY-MM-DD" -> days since 1970-01-01.
std::int64_t parseDate(std::string_view text);
// "HH:MM", "HH:MM:SS", "HH:MM:SS.f" (1..6 fraction digits) -> microseconds since midnight.
std::int64_t parseTimeOfDay(std::string_view text);

struct ParsedDateTime {
    std::int64_t wallMicros = 0;       // the written wall-clock time, counted as if it were UTC
    std::optional<int> offsetSeconds;  // east of UTC; nullopt when the text has no offset
};
// ISO 8601 date-time: "YYYY-MM-DD(T|t| )HH:MM[:SS[.f]]" then optionally "Z",
// "±HH", "±HH:MM" or "±HHMM". Fractions up to 6 digits; second 60 is refused.
ParsedDateTime parseDateTime(std::string_view text);
// A date-time that names an instant, so its offset is required -> UTC microseconds.
// Reads PostgreSQL's timestamptz output ("2024-03-05 09:15:30.123+00") too.
std::int64_t parseInstant(std::string_view text);

std::string formatDate(std::int64_t days);               // YYYY-MM-DD
std::string formatTimeOfDay(std::int64_t micros);        // HH:MM:SS[.ffffff]
std::string formatDateTime(std::int64_t wallMicros);     // YYYY-MM-DD HH:MM:SS[.ffffff]
std::string formatUtcTimestamp(std::int64_t utcMicros);  // ... +00

// Floor division that rounds towards minus infinity (pre-1970 instants).
inline std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace intouch
