#include "common/TimestampParser.hpp"

#include <cstdio>

namespace intouch {

bool isLeapYear(std::int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(std::int64_t year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && isLeapYear(year)) return 29;
    return kDays[month - 1];
}

// H. Hinnant's days_from_civil / civil_from_days.
std::int64_t daysFromCivil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& year, int& month, int& day) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = yoe + era * 400 + (month <= 2);
}

int weekdayFromDays(std::int64_t days) {
    // 1970-01-01 was a Thursday.
    return static_cast<int>(((days % 7) + 11) % 7);
}

std::int64_t minSupportedMicros() {
    return daysFromCivil(1, 1, 1) * kMicrosPerDay;
}
std::int64_t maxSupportedMicros() {
    return daysFromCivil(10000, 1, 1) * kMicrosPerDay - 1;
}

namespace {

class Cursor {
  public:
    explicit Cursor(std::string_view s) : s_(s) {}
    bool atEnd() const { return p_ >= s_.size(); }
    char peek() const { return atEnd() ? '\0' : s_[p_]; }
    std::size_t pos() const { return p_; }
    void skip() { ++p_; }

    // Exactly n ASCII digits.
    bool digits(int n, int& out) {
        if (p_ + static_cast<std::size_t>(n) > s_.size()) return false;
        int v = 0;
        for (int i = 0; i < n; ++i) {
            char c = s_[p_ + static_cast<std::size_t>(i)];
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        p_ += static_cast<std::size_t>(n);
        out = v;
        return true;
    }
    bool literal(char c) {
        if (peek() != c) return false;
        ++p_;
        return true;
    }

  private:
    std::string_view s_;
    std::size_t p_ = 0;
};

[[noreturn]] void fail(const std::string& message) {
    throw TimestampError(message);
}

std::int64_t readDate(Cursor& c) {
    int y = 0, m = 0, d = 0;
    if (!c.digits(4, y) || !c.literal('-') || !c.digits(2, m) || !c.literal('-') || !c.digits(2, d))
        fail("expected a date as YYYY-MM-DD");
    if (y < 1) fail("year 0000 does not exist (years start at 0001)");
    if (m < 1 || m > 12) fail("month " + std::to_string(m) + " is not 01..12");
    if (d < 1 || d > daysInMonth(y, m)) {
        if (m == 2 && d == 29)
            fail(std::to_string(y) + " is not a leap year: February has 28 days");
        fail("day " + std::to_string(d) + " does not exist in month " + std::to_string(m) +
             " (it has " + std::to_string(daysInMonth(y, m)) + " days)");
    }
    return daysFromCivil(y, m, d);
}

std::int64_t readTime(Cursor& c) {
    int h = 0, mi = 0, s = 0;
    if (!c.digits(2, h) || !c.literal(':') || !c.digits(2, mi))
        fail("expected a time as HH:MM[:SS[.ffffff]]");
    std::int64_t frac = 0;
    if (c.literal(':')) {
        if (!c.digits(2, s)) fail("expected seconds as two digits after HH:MM:");
        if (c.literal('.') || c.literal(',')) {
            int n = 0;
            while (c.peek() >= '0' && c.peek() <= '9') {
                if (++n > 6)
                    fail("more than 6 fractional second digits (PostgreSQL keeps microseconds)");
                frac = frac * 10 + (c.peek() - '0');
                c.skip();
            }
            if (n == 0) fail("expected digits after the decimal point of the seconds");
            for (; n < 6; ++n) frac *= 10;
        }
    }
    if (h > 23) fail("hour " + std::to_string(h) + " is not 00..23");
    if (mi > 59) fail("minute " + std::to_string(mi) + " is not 00..59");
    if (s == 60) fail("second 60 is a leap second, which PostgreSQL cannot store");
    if (s > 59) fail("second " + std::to_string(s) + " is not 00..59");
    return ((h * 60LL + mi) * 60 + s) * kMicrosPerSecond + frac;
}

std::string fraction(std::int64_t micros) {
    if (micros == 0) return "";
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
    return buf;
}

// Fixed-width decimal digits; the formatters below run for every date-time of
// every record, where snprintf was a visible share of mapping.
void putDigits(char* at, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

}  // namespace

std::int64_t parseDate(std::string_view text) {
    Cursor c(text);
    std::int64_t days = readDate(c);
    if (!c.atEnd()) fail("unexpected text after the date (expected exactly YYYY-MM-DD)");
    return days;
}

std::int64_t parseTimeOfDay(std::string_view text) {
    Cursor c(text);
    std::int64_t t = readTime(c);
    if (!c.atEnd()) fail("unexpected text after the time (expected HH:MM[:SS[.ffffff]])");
    return t;
}

ParsedDateTime parseDateTime(std::string_view text) {
    Cursor c(text);
    const std::int64_t days = readDate(c);
    if (c.atEnd()) fail("a date without a time; expected YYYY-MM-DDTHH:MM:SS");
    if (!(c.literal('T') || c.literal('t') || c.literal(' ')))
        fail("expected 'T' or a space between the date and the time");
    const std::int64_t tod = readTime(c);
    ParsedDateTime out;
    out.wallMicros = days * kMicrosPerDay + tod;
    if (c.atEnd()) return out;
    if (c.literal('Z') || c.literal('z')) {
        out.offsetSeconds = 0;
    } else if (c.peek() == '+' || c.peek() == '-') {
        const int sign = c.peek() == '-' ? -1 : 1;
        c.skip();
        int oh = 0, om = 0;
        if (!c.digits(2, oh)) fail("expected the UTC offset as ±HH, ±HH:MM or ±HHMM");
        if (c.literal(':')) {
            if (!c.digits(2, om)) fail("expected two digits of minutes in the UTC offset");
        } else if (!c.atEnd() && !c.digits(2, om)) {
            fail("expected the UTC offset as ±HH, ±HH:MM or ±HHMM");
        }
        if (oh > 15 || om > 59) fail("UTC offset out of range (at most ±15:59)");
        out.offsetSeconds = sign * (oh * 3600 + om * 60);
    } else {
        fail("unexpected text after the time (expected Z or a UTC offset such as +01:00)");
    }
    if (!c.atEnd()) fail("unexpected text after the UTC offset");
    return out;
}

std::int64_t parseInstant(std::string_view text) {
    const ParsedDateTime dt = parseDateTime(text);
    if (!dt.offsetSeconds) fail("no UTC offset (add Z or one such as +01:00)");
    return dt.wallMicros - static_cast<std::int64_t>(*dt.offsetSeconds) * kMicrosPerSecond;
}

std::string formatDate(std::int64_t days) {
    std::int64_t y = 0;
    int m = 0, d = 0;
    civilFromDays(days, y, m, d);
    if (y >= 0 && y <= 9999) {
        std::string out(10, '-');
        putDigits(&out[0], y, 4);
        putDigits(&out[5], m, 2);
        putDigits(&out[8], d, 2);
        return out;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
    return buf;
}

std::string formatTimeOfDay(std::int64_t micros) {
    const std::int64_t secs = micros / kMicrosPerSecond;
    if (micros >= 0 && secs < 100 * 3600) {
        std::string out(8, ':');
        putDigits(&out[0], secs / 3600, 2);
        putDigits(&out[3], secs / 60 % 60, 2);
        putDigits(&out[6], secs % 60, 2);
        if (const std::int64_t frac = micros % kMicrosPerSecond) {
            out.resize(15, '.');
            putDigits(&out[9], frac, 6);
        }
        return out;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    return buf + fraction(micros % kMicrosPerSecond);
}

std::string formatDateTime(std::int64_t wallMicros) {
    const std::int64_t days = floorDiv(wallMicros, kMicrosPerDay);
    std::string out = formatDate(days);
    out.reserve(32);
    out += ' ';
    out += formatTimeOfDay(wallMicros - days * kMicrosPerDay);
    return out;
}

std::string formatUtcTimestamp(std::int64_t utcMicros) {
    std::string out = formatDateTime(utcMicros);
    out += "+00";
    return out;
}

}  // namespace intouch
