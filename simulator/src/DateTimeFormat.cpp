#include "DateTimeFormat.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "JsonWriter.h"

namespace intouch::sim {

std::optional<DateTimeFormat> parseDateTimeFormat(std::string_view name) {
    if (name == "iso-offset") return DateTimeFormat::IsoOffset;
    if (name == "iso-local") return DateTimeFormat::IsoLocal;
    if (name == "epoch-ms") return DateTimeFormat::EpochMs;
    return std::nullopt;
}

std::string_view dateTimeFormatName(DateTimeFormat f) {
    switch (f) {
        case DateTimeFormat::IsoOffset:
            return "iso-offset";
        case DateTimeFormat::IsoLocal:
            return "iso-local";
        case DateTimeFormat::EpochMs:
            return "epoch-ms";
    }
    return "iso-offset";
}

bool timeZoneExists(const std::string& zone) {
    // glibc silently falls back to UTC for an unknown TZ; check the database ourselves.
    if (zone == "UTC") return true;
    if (zone.empty() || zone.find("..") != std::string::npos) return false;
    const char* dir = std::getenv("TZDIR");
    const std::filesystem::path base = dir && *dir ? dir : "/usr/share/zoneinfo";
    std::error_code ec;
    return std::filesystem::is_regular_file(base / zone, ec);
}

void setProcessTimeZone(const std::string& zone) {
    ::setenv("TZ", zone.c_str(), 1);
    ::tzset();
}

int32_t utcOffsetSeconds(int64_t epochSeconds) {
    const std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    return static_cast<int32_t>(tm.tm_gmtoff);
}

std::string formatDateTime(int64_t epochSeconds, DateTimeFormat f) {
    if (f == DateTimeFormat::EpochMs) return std::to_string(epochSeconds * 1000);
    const std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (f == DateTimeFormat::IsoOffset) {
        const long off = tm.tm_gmtoff;
        const long mag = off < 0 ? -off : off;
        std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%c%02ld:%02ld",
                      off < 0 ? '-' : '+', mag / 3600, (mag % 3600) / 60);
    }
    return buf;
}

void appendDateTimeJson(std::string& out, int64_t epochSeconds, DateTimeFormat f) {
    if (f == DateTimeFormat::EpochMs) {
        json::appendInt(out, epochSeconds * 1000);
        return;
    }
    out.push_back('"');
    out.append(formatDateTime(epochSeconds, f));
    out.push_back('"');
}

bool isAmbiguousLocal(int64_t t) {
    const int32_t own = utcOffsetSeconds(t);
    const int64_t local = t + own;
    // Any other offset in force around this instant could map the same wall time elsewhere.
    for (int64_t probe : {t - 86400, t + 86400}) {
        const int32_t other = utcOffsetSeconds(probe);
        if (other == own) continue;
        const int64_t candidate = local - other;
        if (candidate != t && utcOffsetSeconds(candidate) == other) return true;
    }
    return false;
}

std::vector<OffsetTransition> findTransitions(int64_t from, int64_t to) {
    std::vector<OffsetTransition> result;
    if (from >= to) return result;
    // Offsets change at most once per hour in every real zone, so hourly probing finds each
    // switch; bisection then pins it to the second.
    int64_t prev = from;
    int32_t prevOffset = utcOffsetSeconds(prev);
    for (int64_t t = from + 3600;; t += 3600) {
        const int64_t probe = t < to ? t : to - 1;
        const int32_t off = utcOffsetSeconds(probe);
        if (off != prevOffset) {
            int64_t lo = prev, hi = probe;  // offset(lo) == prevOffset, offset(hi) != prevOffset
            while (hi - lo > 1) {
                const int64_t mid = lo + (hi - lo) / 2;
                if (utcOffsetSeconds(mid) == prevOffset)
                    lo = mid;
                else
                    hi = mid;
            }
            result.push_back({hi, prevOffset, utcOffsetSeconds(hi)});
            prevOffset = off;
        }
        prev = probe;
        if (probe >= to - 1) break;
    }
    return result;
}

}  // namespace intouch::sim
