#include "CivilDate.h"

#include <cstdio>

namespace intouch::sim {

// Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
int64_t daysFromCivil(int year, unsigned month, unsigned day) {
    const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = (static_cast<int64_t>(month) + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + static_cast<int64_t>(day) - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDay civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDay{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<unsigned>(m),
                    static_cast<unsigned>(d)};
}

std::string formatDate(int64_t days) {
    const CivilDay c = civilFromDays(days);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
}

}  // namespace intouch::sim
