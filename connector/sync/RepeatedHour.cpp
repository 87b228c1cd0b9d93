#include "sync/RepeatedHour.hpp"

#include <algorithm>

#include "common/Log.hpp"

namespace intouch {

namespace {
constexpr std::int64_t kSecond = 1000000;
constexpr std::int64_t kHour = 3600 * kSecond;
// Our clock against the CRM's: a state saved this long after the hour counts as saved
// after it. Generous on purpose: a needless re-read costs one hour of records.
constexpr std::int64_t kSkewMargin = kHour;
}  // namespace

std::optional<RepeatedHour> repeatedHourNear(const TimeZone& zone, std::int64_t utcMicros) {
    // Real zones change offset at most once in 8 hours; look for a drop in the offset.
    std::int64_t lo = utcMicros - 4 * kHour, hi = utcMicros + 4 * kHour;
    const int before = zone.offsetSecondsAt(lo), after = zone.offsetSecondsAt(hi);
    if (after >= before) return std::nullopt;
    // The transition instant T: offset(lo) == before, offset(hi) == after.
    while (hi - lo > kSecond) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (zone.offsetSecondsAt(mid) == before ? lo : hi) = mid;
    }
    const std::int64_t t = hi - hi % kSecond;
    const std::int64_t delta = static_cast<std::int64_t>(before - after) * kSecond;
    return RepeatedHour{t - delta, t + delta};
}

Checkpoint rewindOverRepeatedHour(const Checkpoint& cp, const TimeZone& zone, double settleSeconds,
                                  std::optional<std::int64_t> savedAtMicros) {
    if (cp.empty()) return cp;
    const auto hour = repeatedHourNear(zone, *cp.modifiedMicros);
    if (!hour) return cp;
    const auto settle = static_cast<std::int64_t>(std::max(0.0, settleSeconds) * kSecond);
    const std::int64_t c = *cp.modifiedMicros;
    if (c < hour->firstPassStartMicros - settle || c > hour->secondPassEndMicros + settle) return cp;
    if (savedAtMicros && *savedAtMicros >= hour->secondPassEndMicros + settle + kSkewMargin) return cp;
    Checkpoint out;
    out.modifiedMicros = std::min(c, hour->firstPassStartMicros);
    out.tieComplete = false;  // records stamped exactly at the start are read again too
    out.position = 0;
    out.total = -1;
    return out;
}

Checkpoint rewindOverRepeatedHourLogged(const Checkpoint& cp, const TimeZone& zone, double settleSeconds,
                                        const std::string& stream) {
    Checkpoint out = rewindOverRepeatedHour(cp, zone, settleSeconds, cp.savedAtMicros);
    if (!(out == cp))
        log::info("checkpoint within the repeated autumn hour: re-reading from the start of its first pass",
                  {{"stream", stream},
                   {"checkpoint", formatUtcMicros(*cp.modifiedMicros)},
                   {"from", formatUtcMicros(*out.modifiedMicros)},
                   {"time_zone", zone.name()}});
    return out;
}

}  // namespace intouch
