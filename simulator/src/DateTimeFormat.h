#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intouch::sim {

// The REST documentation does not say how datetimes are written, so the simulator can speak
// each plausible form; the connector must accept all of them.
enum class DateTimeFormat {
    IsoOffset,  // "2024-03-05T10:15:30+01:00" (local time of the CRM zone plus its offset)
    IsoLocal,   // "2024-03-05T10:15:30" (local time of the CRM zone, no offset)
    EpochMs,    // 1709630130000 as a JSON integer
};

std::optional<DateTimeFormat> parseDateTimeFormat(std::string_view name);
std::string_view dateTimeFormatName(DateTimeFormat f);

// Local-time helpers use the process time zone (TZ), which main() sets from --timezone:
// the simulator is its own process, so a process-wide zone is the simplest faithful model.
bool timeZoneExists(const std::string& zone);
void setProcessTimeZone(const std::string& zone);

int32_t utcOffsetSeconds(int64_t epochSeconds);
// Text without quotes, e.g. 2024-03-05T10:15:30+01:00 or 1709630130000.
std::string formatDateTime(int64_t epochSeconds, DateTimeFormat f);
// Appends the JSON value (quoted string or bare integer).
void appendDateTimeJson(std::string& out, int64_t epochSeconds, DateTimeFormat f);

// True when the local wall-clock time of this instant also names another instant (the
// repeated hour when clocks go back), i.e. a value without offset would be ambiguous.
bool isAmbiguousLocal(int64_t epochSeconds);

struct OffsetTransition {
    int64_t at;  // first instant with the new offset
    int32_t offsetBefore;
    int32_t offsetAfter;
};
// Offset changes (DST switches) within [from, to).
std::vector<OffsetTransition> findTransitions(int64_t from, int64_t to);

}  // namespace intouch::sim
