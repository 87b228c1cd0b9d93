#include <gtest/gtest.h>

#include "common/TimestampParser.hpp"

using namespace intouch;

namespace {
std::string error(void (*f)(const char*), const char* text) {
    try {
        f(text);
    } catch (const TimestampError& e) {
        return e.what();
    }
    return "(no error)";
}
void date(const char* t) {
    parseDate(t);
}
void time(const char* t) {
    parseTimeOfDay(t);
}
void dateTime(const char* t) {
    parseDateTime(t);
}
}  // namespace

TEST(Calendar, DaysFromCivilRoundTrips) {
    EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(daysFromCivil(1969, 12, 31), -1);
    EXPECT_EQ(daysFromCivil(2000, 3, 1), 11017);
    EXPECT_EQ(daysFromCivil(1, 1, 1), -719162);
    for (std::int64_t d = -800000; d < 3000000; d += 997) {
        std::int64_t y = 0;
        int m = 0, dd = 0;
        civilFromDays(d, y, m, dd);
        ASSERT_EQ(daysFromCivil(y, m, dd), d);
    }
    EXPECT_EQ(weekdayFromDays(0), 4);                           // Thursday
    EXPECT_EQ(weekdayFromDays(daysFromCivil(2024, 3, 31)), 0);  // Sunday
}

TEST(Calendar, LeapYears) {
    EXPECT_TRUE(isLeapYear(2024));
    EXPECT_TRUE(isLeapYear(2000));
    EXPECT_FALSE(isLeapYear(1900));
    EXPECT_FALSE(isLeapYear(2023));
    EXPECT_EQ(daysInMonth(2024, 2), 29);
    EXPECT_EQ(daysInMonth(2100, 2), 28);
}

TEST(TimestampParser, Dates) {
    EXPECT_EQ(parseDate("1970-01-01"), 0);
    EXPECT_EQ(formatDate(parseDate("1901-07-15")), "1901-07-15");
    EXPECT_EQ(formatDate(parseDate("2024-02-29")), "2024-02-29");
    EXPECT_EQ(formatDate(parseDate("0001-01-01")), "0001-01-01");
    EXPECT_EQ(formatDate(parseDate("9999-12-31")), "9999-12-31");
    EXPECT_EQ(error(date, "2023-02-29"), "2023 is not a leap year: February has 28 days");
    EXPECT_EQ(error(date, "1900-02-29"), "1900 is not a leap year: February has 28 days");
    EXPECT_EQ(error(date, "2024-04-31"), "day 31 does not exist in month 4 (it has 30 days)");
    EXPECT_EQ(error(date, "2024-13-01"), "month 13 is not 01..12");
    EXPECT_EQ(error(date, "0000-01-01"), "year 0000 does not exist (years start at 0001)");
    EXPECT_EQ(error(date, "2024-3-5"), "expected a date as YYYY-MM-DD");
    EXPECT_EQ(error(date, "24.12.2024"), "expected a date as YYYY-MM-DD");
    EXPECT_EQ(error(date, "2024-12-24T00:00:00"),
              "unexpected text after the date (expected exactly YYYY-MM-DD)");
}

TEST(TimestampParser, Times) {
    EXPECT_EQ(formatTimeOfDay(parseTimeOfDay("14:30:00")), "14:30:00");
    EXPECT_EQ(formatTimeOfDay(parseTimeOfDay("14:30")), "14:30:00");
    EXPECT_EQ(formatTimeOfDay(parseTimeOfDay("00:00:00.5")), "00:00:00.500000");
    EXPECT_EQ(formatTimeOfDay(parseTimeOfDay("23:59:59.999999")), "23:59:59.999999");
    EXPECT_EQ(error(time, "23:59:60"), "second 60 is a leap second, which PostgreSQL cannot store");
    EXPECT_EQ(error(time, "24:00:00"), "hour 24 is not 00..23");
    EXPECT_EQ(error(time, "12:60:00"), "minute 60 is not 00..59");
    EXPECT_EQ(error(time, "12:00:00.1234567"),
              "more than 6 fractional second digits (PostgreSQL keeps microseconds)");
    EXPECT_EQ(error(time, "12:00:00."), "expected digits after the decimal point of the seconds");
    EXPECT_EQ(error(time, "2pm"), "expected a time as HH:MM[:SS[.ffffff]]");
}

TEST(TimestampParser, DateTimesWithAndWithoutOffset) {
    ParsedDateTime p = parseDateTime("2024-03-05T10:15:30+01:00");
    EXPECT_EQ(formatDateTime(p.wallMicros), "2024-03-05 10:15:30");
    EXPECT_EQ(p.offsetSeconds, 3600);
    EXPECT_EQ(parseDateTime("2024-03-05T10:15:30Z").offsetSeconds, 0);
    EXPECT_EQ(parseDateTime("2024-03-05 10:15:30-0530").offsetSeconds, -(5 * 3600 + 30 * 60));
    EXPECT_EQ(parseDateTime("2024-03-05T10:15:30+02").offsetSeconds, 7200);
    EXPECT_FALSE(parseDateTime("2024-03-05T10:15:30").offsetSeconds.has_value());
    EXPECT_EQ(formatDateTime(parseDateTime("2024-03-05T10:15:30.123456Z").wallMicros),
              "2024-03-05 10:15:30.123456");
    EXPECT_EQ(formatDateTime(parseDateTime("1969-12-31T23:59:59.5").wallMicros),
              "1969-12-31 23:59:59.500000");
    EXPECT_EQ(parseDateTime("1969-12-31T23:59:59.5").wallMicros, -500000);
}

TEST(TimestampParser, DateTimeErrors) {
    EXPECT_EQ(error(dateTime, "2024-03-05T10:15:60Z"),
              "second 60 is a leap second, which PostgreSQL cannot store");
    EXPECT_EQ(error(dateTime, "2024-03-05"), "a date without a time; expected YYYY-MM-DDTHH:MM:SS");
    EXPECT_EQ(error(dateTime, "2024-03-05_10:15:30"),
              "expected 'T' or a space between the date and the time");
    EXPECT_EQ(error(dateTime, "2024-03-05T10:15:30 CET"),
              "unexpected text after the time (expected Z or a UTC offset such as +01:00)");
    EXPECT_EQ(error(dateTime, "2024-03-05T10:15:30+1"),
              "expected the UTC offset as ±HH, ±HH:MM or ±HHMM");
    EXPECT_EQ(error(dateTime, "2024-03-05T10:15:30+16:00"),
              "UTC offset out of range (at most ±15:59)");
    EXPECT_EQ(error(dateTime, "2024-03-05T10:15:30+01:00x"),
              "unexpected text after the UTC offset");
    EXPECT_EQ(error(dateTime, "2023-02-29T10:15:30Z"),
              "2023 is not a leap year: February has 28 days");
}

TEST(TimestampParser, FormatsUtc) {
    EXPECT_EQ(formatUtcTimestamp(0), "1970-01-01 00:00:00+00");
    EXPECT_EQ(formatUtcTimestamp(-1), "1969-12-31 23:59:59.999999+00");
    EXPECT_EQ(formatUtcTimestamp(1709630130123456), "2024-03-05 09:15:30.123456+00");
    EXPECT_EQ(formatUtcTimestamp(minSupportedMicros()), "0001-01-01 00:00:00+00");
    EXPECT_EQ(formatUtcTimestamp(maxSupportedMicros()), "9999-12-31 23:59:59.999999+00");
}

namespace {
void instant(const char* t) {
    parseInstant(t);
}
}  // namespace

// One parser for the mapper, the stored checkpoints (PostgreSQL's timestamptz text) and
// `state set --modified`: every form those read before reads the same instant now.
TEST(TimestampParser, InstantsNeedAnOffset) {
    constexpr std::int64_t k = 1717192800000000;  // 2024-05-31T22:00:00Z
    EXPECT_EQ(parseInstant("2024-06-01T00:00:00+02:00"), k);
    EXPECT_EQ(parseInstant("2024-06-01T00:00:00+0200"), k);
    EXPECT_EQ(parseInstant("2024-06-01T00:00:00+02"), k);
    EXPECT_EQ(parseInstant("2024-05-31T22:00:00Z"), k);
    EXPECT_EQ(parseInstant("2024-05-31T22:00:00z"), k);
    EXPECT_EQ(parseInstant("2024-05-31 21:00:00-01:00"), k);
    EXPECT_EQ(parseInstant("2024-05-31 22:00:00.5+00"), k + 500000);
    EXPECT_EQ(parseInstant("2024-05-31 22:00:00.123456+00"), k + 123456);
    EXPECT_EQ(parseInstant("1969-12-31 23:59:59+00"), -1000000);
    EXPECT_EQ(parseInstant("2024-06-01T05:30:00+05:30"), k + 2 * 3600 * kMicrosPerSecond);
    EXPECT_EQ(error(instant, "2024-06-01T00:00:00"), "no UTC offset (add Z or one such as +01:00)");
    EXPECT_EQ(error(instant, "2024-02-30T00:00:00Z"),
              "day 30 does not exist in month 2 (it has 29 days)");
    EXPECT_EQ(error(instant, "not a time"), "expected a date as YYYY-MM-DD");
}
