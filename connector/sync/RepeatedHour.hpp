#pragma once
// The repeated autumn hour and the checkpoint. A CRM that writes local times without an
// offset stamps both passes through e.g. 02:00-03:00 on the last Sunday of October with
// the same wall-clock values; whichever pass `ambiguous_time` picks, an edit made in the
// second pass can sort *below* a checkpoint taken in the first (and, with `later`, the
// other way round), and would be skipped for good. So a checkpoint within the repeated
// hour, or within settle_seconds of it, saved before that hour was over (plus a margin for
// clock skew), is moved back to the start of the hour's first pass: the next run re-reads
// that hour, and upserts make the re-read harmless.

#include <cstdint>
#include <optional>
#include <string>

#include "mapping/TimeZone.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

struct RepeatedHour {
    std::int64_t firstPassStartMicros = 0;  // UTC: the local hour's first occurrence begins
    std::int64_t secondPassEndMicros = 0;   // UTC: its second occurrence ends
};

// The repeated span of a backward transition of zone within ±(4 h) of utcMicros, if any.
std::optional<RepeatedHour> repeatedHourNear(const TimeZone& zone, std::int64_t utcMicros);

// cp moved back to the start of the first pass when it lies within [first pass start -
// settle, second pass end + settle] and was saved (savedAtMicros, UTC) before the second
// pass end + settle + 1 h; otherwise cp unchanged. An unknown save time counts as early.
Checkpoint rewindOverRepeatedHour(const Checkpoint& cp, const TimeZone& zone, double settleSeconds,
                                  std::optional<std::int64_t> savedAtMicros);

// The same, saying so in the log (info) when it rewinds.
Checkpoint rewindOverRepeatedHourLogged(const Checkpoint& cp, const TimeZone& zone, double settleSeconds,
                                        const std::string& stream);

}  // namespace intouch
