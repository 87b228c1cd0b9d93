#include "state/Checkpoint.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace intouch {

namespace {
// Days from civil date, proleptic Gregorian (H. Hinnant's algorithm); avoids
// timegm's dependence on the process time zone and its range limits.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

std::string formatUtcMicros(std::int64_t micros) {
    std::int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
    auto frac = static_cast<int>(micros - secs * 1000000);
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    if (frac)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d+00", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::int64_t parseUtcTimestamp(const std::string& text) {
    int y, mo, d, h, mi, s;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6)
        throw std::runtime_error("unexpected timestamp from PostgreSQL: " + text);
    std::int64_t micros = 0;
    std::size_t p = static_cast<std::size_t>(consumed);
    if (p < text.size() && text[p] == '.') {
        ++p;
        int digits = 0;
        while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
            if (digits < 6) {
                micros = micros * 10 + (text[p] - '0');
                ++digits;
            }
            ++p;
        }
        for (; digits < 6; ++digits) micros *= 10;
    }
    int offset = 0;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
        int sign = text[p] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        std::sscanf(text.c_str() + p + 1, "%2d:%2d", &oh, &om);
        offset = sign * (oh * 3600 + om * 60);
    }
    std::int64_t secs = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                        h * 3600 + mi * 60 + s - offset;
    return secs * 1000000 + micros;
}

}  // namespace intouch
