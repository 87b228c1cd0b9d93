#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "TestSupport.hpp"
#include "common/Errors.hpp"
#include "mapping/PosixTzRule.hpp"
#include "mapping/TimeZone.hpp"
#include "mapping/TimestampParser.hpp"

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

TEST(TimeZone, ReadsFromTzdirAndRejectsNonTzifFiles) {
    test::ScratchDir dir;
    std::filesystem::create_directories(dir.path() / "Test");
    std::filesystem::copy_file("/usr/share/zoneinfo/Europe/Prague", dir.path() / "Test" / "Zone");
    dir.write("Test/Broken", "not a time zone file at all, not even close to 44 bytes long.");
    const char* old = std::getenv("TZDIR");
    const std::string saved = old ? old : "";
    setenv("TZDIR", dir.path().c_str(), 1);
    EXPECT_EQ(TimeZone::load("Test/Zone").offsetSecondsAt(wall("2024-07-01T00:00:00")), 7200);
    try {
        TimeZone::load("Test/Broken");
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("is not a valid TZif file (no TZif magic)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(TimeZone::load("Europe/Prague"), ConfigError);  // not in the TZDIR
    if (old)
        setenv("TZDIR", saved.c_str(), 1);
    else
        unsetenv("TZDIR");
}

namespace {
void put32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}
// A version 2 TZif file with no transitions at all: one local time type and a
// footer, so every offset must come from the footer's rule.
std::string footerOnlyTzif(const std::string& footer) {
    std::string block;
    auto header = [&](std::string& out) {
        out += "TZif2";
        out += std::string(15, '\0');
        put32(out, 0);  // isutcnt
        put32(out, 0);  // isstdcnt
        put32(out, 0);  // leapcnt
        put32(out, 0);  // timecnt
        put32(out, 1);  // typecnt
        put32(out, 4);  // charcnt
    };
    auto data = [&](std::string& out) {
        put32(out, 3600);  // utoff
        out += '\0';       // isdst
        out += '\0';       // abbreviation index
        out += std::string("CET", 4);
    };
    std::string out;
    header(out);
    data(out);
    header(out);
    data(out);
    out += "\n" + footer + "\n";
    return out;
}
}  // namespace

TEST(TimeZone, FooterOnlyFileAppliesTheRuleEveryYear) {
    test::ScratchDir dir;
    dir.write("Footer/Only", footerOnlyTzif("CET-1CEST,M3.5.0,M10.5.0/3"));
    const char* old = std::getenv("TZDIR");
    const std::string saved = old ? old : "";
    setenv("TZDIR", dir.path().c_str(), 1);
    const TimeZone tz = TimeZone::load("Footer/Only");
    if (old)
        setenv("TZDIR", saved.c_str(), 1);
    else
        unsetenv("TZDIR");
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-01-15T12:00:00")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2024-07-15T12:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2031-03-30T00:59:59")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2031-03-30T01:00:00")), 7200);
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2031-10-26T02:30:00"), true)),
              "2031-10-26 00:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2031-10-26T02:30:00"), false)),
              "2031-10-26 01:30:00+00");
    EXPECT_EQ(utc(tz.localToUtcMicros(wall("2031-03-30T02:30:00"))), "2031-03-30 01:30:00+00");
}

TEST(TimeZone, VersionOneFilesUseTheirTransitions) {
    // TZif version 1: 32-bit transition times, no footer. One change at
    // 2000-01-01T00:00:00Z from +01:00 (type 0) to +02:00 (type 1).
    std::string f = "TZif";
    f += std::string(16, '\0');
    put32(f, 0);  // isutcnt
    put32(f, 0);  // isstdcnt
    put32(f, 0);  // leapcnt
    put32(f, 1);  // timecnt
    put32(f, 2);  // typecnt
    put32(f, 4);  // charcnt
    put32(f, 946684800);
    f += '\1';
    put32(f, 3600);
    f += std::string(2, '\0');
    put32(f, 7200);
    f += std::string(2, '\0');
    f += std::string("AB\0", 4);
    test::ScratchDir dir;
    dir.write("Old/Zone", f);
    const char* old = std::getenv("TZDIR");
    const std::string saved = old ? old : "";
    setenv("TZDIR", dir.path().c_str(), 1);
    const TimeZone tz = TimeZone::load("Old/Zone");
    if (old)
        setenv("TZDIR", saved.c_str(), 1);
    else
        unsetenv("TZDIR");
    EXPECT_EQ(tz.offsetSecondsAt(wall("1999-12-31T23:59:59")), 3600);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2000-01-01T00:00:00")), 7200);
    EXPECT_EQ(tz.offsetSecondsAt(wall("2040-01-01T00:00:00")), 7200);
}

TEST(PosixTzRule, ParsesTheCommonForms) {
    auto cet = PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/3");
    ASSERT_TRUE(cet);
    EXPECT_TRUE(cet->hasDst());
    auto ny = PosixTzRule::parse("EST5EDT,M3.2.0,M11.1.0");
    ASSERT_TRUE(ny);
    // 2050-03-13 is the second Sunday of March: EDT from 07:00Z.
    EXPECT_EQ(ny->offsetSecondsAt(wall("2050-03-13T06:59:59") / 1000000), -5 * 3600);
    EXPECT_EQ(ny->offsetSecondsAt(wall("2050-03-13T07:00:00") / 1000000), -4 * 3600);
    auto fixed = PosixTzRule::parse("<+0530>-5:30");
    ASSERT_TRUE(fixed);
    EXPECT_FALSE(fixed->hasDst());
    EXPECT_EQ(fixed->offsetSecondsAt(0), 19800);
    auto julian = PosixTzRule::parse("XXX-1YYY,J60/0,J300/0");  // Mar 1 .. Oct 27 in every year
    ASSERT_TRUE(julian);
    EXPECT_EQ(julian->offsetSecondsAt(wall("2048-02-29T12:00:00") / 1000000), 3600);
    EXPECT_EQ(julian->offsetSecondsAt(wall("2048-03-01T12:00:00") / 1000000), 7200);
    EXPECT_FALSE(PosixTzRule::parse("nonsense"));
    EXPECT_FALSE(PosixTzRule::parse("CET-1CEST,M13.5.0,M10.5.0"));
}
