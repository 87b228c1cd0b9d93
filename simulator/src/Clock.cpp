#include "Clock.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "CivilDate.h"
#include "QueryParams.h"

namespace intouch::sim {

SimClock::SimClock(WallClock wall) : wall_(std::move(wall)) {}

int64_t SimClock::systemSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t SimClock::systemMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

SimClock::WallClock SimClock::scheduled(int64_t start, double speed, WallClock wallMicros) {
    const int64_t origin = wallMicros();
    return [start, speed, origin, wallMicros = std::move(wallMicros)] {
        const double elapsed = static_cast<double>(wallMicros() - origin) / 1e6;
        return start + static_cast<int64_t>(std::floor(elapsed * speed));
    };
}

std::optional<int64_t> parseClockStart(std::string_view text) {
    if (auto n = parseInt64(text)) return *n;
    // YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM / -HH:MM
    if (text.size() != 20 && text.size() != 25) return std::nullopt;
    const std::string s(text);
    int y, mo, d, h, mi, sec, n = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19)
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || y < 1970)
        return std::nullopt;
    int64_t offset = 0;
    if (text.size() == 20) {
        if (text[19] != 'Z') return std::nullopt;
    } else {
        const char sign = text[19];
        int oh, om, m = 0;
        if ((sign != '+' && sign != '-') || text[22] != ':' ||
            std::sscanf(s.c_str() + 20, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || oh > 15 ||
            om > 59)
            return std::nullopt;
        offset = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    const int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (civilFromDays(days).day != static_cast<unsigned>(d)) return std::nullopt;  // 31 Feb
    return days * 86400 + h * 3600 + mi * 60 + sec - offset;
}

int64_t SimClock::now() {
    const int64_t wall = wall_();
    int64_t floor = floor_.load();
    while (true) {
        const int64_t result = wall > floor ? wall : floor;
        if (result == floor || floor_.compare_exchange_weak(floor, result)) return result;
    }
}

void SimClock::raiseFloor(int64_t t) {
    int64_t floor = floor_.load();
    while (floor < t && !floor_.compare_exchange_weak(floor, t)) {
    }
}

}  // namespace intouch::sim
