#include <gtest/gtest.h>

#include <cstdlib>
#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "TestSupport.hpp"
#include "common/Errors.hpp"
#include "mapping/TimeZone.hpp"
#include "common/TimestampParser.hpp"

using namespace intouch;

namespace {
std::int64_t wall(const char* text) {
    return parseDateTime(text).wallMicros;
}
std::string utc(std::int64_t micros) {
    return formatUtcTimestamp(micros);
}
}  // namespace

TEST(TimeZone, PragueOffsetsInWinterAndSummer) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    EXPECT_EQ(tz.name(), "Europe/Prague");
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-01-15T12:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-07-15T12:00:00")), 7200);
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-05T10:15:30"))), "2024-03-05 09:15:30+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-07-01T00:00:00.25"))),
              "2024-06-30 22:00:00.250000+00");
}

TEST(TimeZone, TransitionInstantsAreExact) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    // Summer time starts 2024-03-31 01:00:00 UTC and ends 2024-10-27 01:00:00 UTC.
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-03-31T00:59:59.999999")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-03-31T01:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-27T00:59:59")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-27T01:00:00")), 3600);
}

TEST(TimeZone, SpringForwardGapUsesTheOffsetBeforeTheJump) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    // 02:30 does not exist on 2024-03-31; PostgreSQL reads it as 03:30+02 = 01:30Z.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T02:30:00"), true)),
              "2024-03-31 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T02:30:00"), false)),
              "2024-03-31 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T02:00:00"))), "2024-03-31 01:00:00+00");
    // Either side of the gap is unambiguous.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T01:59:59"))), "2024-03-31 00:59:59+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T03:00:00"))), "2024-03-31 01:00:00+00");
}

TEST(TimeZone, RepeatedAutumnHourEarlierOrLater) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    // 02:30 on 2024-10-27 happens at 00:30Z (summer time) and again at 01:30Z.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T02:30:00"), true)),
              "2024-10-27 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T02:30:00"), false)),
              "2024-10-27 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T02:00:00"), true)),
              "2024-10-27 00:00:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T02:59:59"), false)),
              "2024-10-27 01:59:59+00");
    // Outside the repeated hour both choices agree.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T03:00:00"), true)),
              "2024-10-27 02:00:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T01:59:59"), false)),
              "2024-10-26 23:59:59+00");
}

TEST(TimeZone, FarFutureUsesTheFooterRule) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    // 2040 is past the transitions listed in the file: CET-1CEST,M3.5.0,M10.5.0/3.
    // In 2040 the last Sunday of March is the 25th, of October the 28th.
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-01-10T12:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-03-25T00:59:59")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-03-25T01:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-10-28T00:59:59")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-10-28T01:00:00")), 3600);
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2040-07-01T12:00:00"))), "2040-07-01 10:00:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2040-03-25T02:30:00"))), "2040-03-25 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2040-10-28T02:30:00"), true)),
              "2040-10-28 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2040-10-28T02:30:00"), false)),
              "2040-10-28 01:30:00+00");
}

TEST(TimeZone, HistoricOffsetsBefore1970) {
    const TimeZone tz = TimeZone::load("Europe/Prague");
    // Prague kept CET in winter 1960 and had no summer time that year.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("1960-07-01T12:00:00"))), "1960-07-01 11:00:00+00");
}

TEST(TimeZone, SouthernHemisphereRule) {
    const TimeZone tz = TimeZone::load("Australia/Sydney");
    EXPECT_EQ(tz.offsetSecondsAt(wall("2045-01-15T00:00:00")), 11 * 3600);  // summer: AEDT
    EXPECT_EQ(tz.offsetSecondsAt(wall("2045-07-15T00:00:00")), 10 * 3600);  // winter: AEST
}

TEST(TimeZone, UtcAndFixedZones) {
    EXPECT_EQ(TimeZone::utc().offsetSecondsAt(wall("2024-07-01T00:00:00")), 0);
    EXPECT_EQ(TimeZone::utc().localToUtcMicros(wall("2024-07-01T00:00:00")),
              wall("2024-07-01T00:00:00"));
    EXPECT_EQ(TimeZone::load("UTC").offsetSecondsAt(wall("2040-07-01T00:00:00")), 0);
    EXPECT_EQ(TimeZone::load("Asia/Kolkata").offsetSecondsAt(wall("2040-07-01T00:00:00")), 19800);
}

TEST(TimeZone, UnknownZoneIsAConfigError) {
    try {
        TimeZone::load("Europe/Atlantis");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "unknown time zone 'Europe/Atlantis' (no file /usr/share/zoneinfo/Europe/Atlantis) — "
            "use an IANA "
            "zone name such as Europe/Prague, and check that the tzdata package is installed");
    }
    EXPECT_THROW(TimeZone::load("../etc/passwd"), ConfigError);
    EXPECT_THROW(TimeZone::load(""), ConfigError);
}

TEST(TimeZone, AcrossThe2037Boundary) {
    // The system's files list Prague's transitions up to 2037-10-25 01:00Z; later instants
    // follow the zone's rule (CET-1CEST,M3.5.0,M10.5.0/3), which date/tz alone does not apply.
    const TimeZone tz = TimeZone::load("Europe/Prague");
    EXPECT_EQ(tz.offsetSecondsAt(wall("2037-10-25T00:59:59")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2037-10-25T01:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2038-01-19T03:14:08")), 3600);  // past a 32-bit time_t
    EXPECT_EQ(tz.offsetSecondsAt(wall("2038-03-28T00:59:59")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2038-03-28T01:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2038-10-31T00:59:59")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2038-10-31T01:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-07-01T00:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2100-07-01T00:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2100-12-01T00:00:00")), 3600);
    // Local times either side of the last listed transition and in the first rule year.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2037-10-25T02:30:00"), true)), "2037-10-25 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2037-10-25T02:30:00"), false)),
              "2037-10-25 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2037-10-26T12:00:00"))), "2037-10-26 11:00:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2038-03-28T02:30:00"))), "2038-03-28 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2038-10-31T02:30:00"), true)), "2038-10-31 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2038-10-31T02:30:00"), false)),
              "2038-10-31 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2040-07-01T00:00:00"))), "2040-06-30 22:00:00+00");
}

TEST(TimeZone, DublinNegativeDaylightSavingStillGivesTheRightOffsets) {
    // tzdata calls Irish winter time the "daylight saving" one, with save -1 h; the UTC
    // offsets are what count: +00:00 in winter, +01:00 in summer, before and after 2037.
    const TimeZone tz = TimeZone::load("Europe/Dublin");
    for (const char* year : {"2024", "2045"}) {
        const std::string y = year;
        EXPECT_EQ(tz.offsetSecondsAt(wall((y + "-01-15T12:00:00").c_str())), 0) << y;
        EXPECT_EQ(tz.offsetSecondsAt(wall((y + "-07-15T12:00:00").c_str())), 3600) << y;
    }
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-03-31T00:59:59")), 0);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-03-31T01:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-27T00:59:59")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-27T01:00:00")), 0);
    // Spring gap 01:00-02:00 local, autumn repeat 01:00-02:00 local.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-03-31T01:30:00"))), "2024-03-31 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T01:30:00"), true)), "2024-10-27 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-27T01:30:00"), false)),
              "2024-10-27 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-03-26T01:30:00"))), "2045-03-26 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-10-29T01:30:00"), true)), "2045-10-29 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-10-29T01:30:00"), false)),
              "2045-10-29 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-07-01T12:00:00"))), "2045-07-01 11:00:00+00");
}

TEST(TimeZone, LordHoweHalfHourDaylightSavingSouthOfTheEquator) {
    // +10:30 in the southern winter, +11:00 in summer; clocks move by 30 minutes at 02:00
    // local on the first Sunday of April (back) and of October (forward).
    const TimeZone tz = TimeZone::load("Australia/Lord_Howe");
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-01-15T00:00:00")), 39600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-07-15T00:00:00")), 37800);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-04-06T14:59:59")), 39600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-04-06T15:00:00")), 37800);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-05T15:29:59")), 37800);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-10-05T15:30:00")), 39600);
    // 01:45 on 2024-04-07 happens twice (+11 then +10:30); 02:15 on 2024-10-06 never does.
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-04-07T01:45:00"), true)), "2024-04-06 14:45:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-04-07T01:45:00"), false)),
              "2024-04-06 15:15:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2024-10-06T02:15:00"))), "2024-10-05 15:45:00+00");
    // After 2037, from the rule: 2045-04-02 and 2045-10-01 are the first Sundays.
    EXPECT_EQ(tz.offsetSecondsAt(wall("2045-01-15T00:00:00")), 39600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2045-07-15T00:00:00")), 37800);
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-04-02T01:45:00"), true)), "2045-04-01 14:45:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-04-02T01:45:00"), false)),
              "2045-04-01 15:15:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2045-10-01T02:15:00"))), "2045-09-30 15:45:00+00");
}

TEST(TimeZone, ZonesWithoutDaylightSavingAfter2037) {
    EXPECT_EQ(TimeZone::load("Asia/Tokyo").offsetSecondsAt(wall("2050-07-01T00:00:00")), 32400);
    EXPECT_EQ(TimeZone::load("America/Sao_Paulo").offsetSecondsAt(wall("2050-01-01T00:00:00")),
              -3 * 3600);  // DST abolished in 2019
    EXPECT_EQ(TimeZone::load("America/New_York").offsetSecondsAt(wall("2050-03-13T06:59:59")),
              -5 * 3600);
    EXPECT_EQ(TimeZone::load("America/New_York").offsetSecondsAt(wall("2050-03-13T07:00:00")),
              -4 * 3600);
}

TEST(TimeZone, LeapSecondZonesAreRefused) {
    EXPECT_THROW(TimeZone::load("right/Europe/Prague"), ConfigError);
}

TEST(TimeZone, LoadsFromManyThreadsAtOnce) {
    // The zone database is built on first use; concurrent first uses must agree.
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (const char* zone : {"Europe/Prague", "Europe/Dublin", "Australia/Lord_Howe", "Asia/Kolkata",
                             "Europe/Prague", "America/New_York"})
        threads.emplace_back([zone, &good] {
            const TimeZone tz = TimeZone::load(zone);
            if (tz.offsetSecondsAt(wall("2040-07-01T00:00:00")) != 0) ++good;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(good.load(), 6);
}
