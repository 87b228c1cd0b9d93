#include <gtest/gtest.h>

#include "CivilDate.h"
#include "DateTimeFormat.h"

using namespace intouch::sim;

namespace {
constexpr int64_t kWinter = 1705320000;        // 2024-01-15T12:00:00Z
constexpr int64_t kSummer = 1719828930;        // 2024-07-01T10:15:30Z
constexpr int64_t kSpringSwitch = 1711846800;  // 2024-03-31T01:00:00Z
constexpr int64_t kAutumnSwitch = 1729990800;  // 2024-10-27T01:00:00Z
}  // namespace

TEST(DateTimeFormat, FormatsEachVariant) {
    EXPECT_EQ(formatDateTime(kWinter, DateTimeFormat::IsoOffset), "2024-01-15T13:00:00+01:00");
    EXPECT_EQ(formatDateTime(kSummer, DateTimeFormat::IsoOffset), "2024-07-01T12:15:30+02:00");
    EXPECT_EQ(formatDateTime(kSummer, DateTimeFormat::IsoLocal), "2024-07-01T12:15:30");
    EXPECT_EQ(formatDateTime(kSummer, DateTimeFormat::EpochMs), "1719828930000");
}

TEST(DateTimeFormat, JsonValueIsQuotedExceptEpochMs) {
    std::string a, b;
    appendDateTimeJson(a, kWinter, DateTimeFormat::IsoLocal);
    appendDateTimeJson(b, kWinter, DateTimeFormat::EpochMs);
    EXPECT_EQ(a, "\"2024-01-15T13:00:00\"");
    EXPECT_EQ(b, "1705320000000");
}

TEST(DateTimeFormat, SpringGapIsSkipped) {
    EXPECT_EQ(formatDateTime(kSpringSwitch - 1, DateTimeFormat::IsoOffset),
              "2024-03-31T01:59:59+01:00");
    EXPECT_EQ(formatDateTime(kSpringSwitch, DateTimeFormat::IsoOffset),
              "2024-03-31T03:00:00+02:00");
    EXPECT_FALSE(isAmbiguousLocal(kSpringSwitch - 1));
    EXPECT_FALSE(isAmbiguousLocal(kSpringSwitch));
}

TEST(DateTimeFormat, AutumnHourRepeatsWithDifferentOffsets) {
    EXPECT_EQ(formatDateTime(kAutumnSwitch - 1800, DateTimeFormat::IsoOffset),
              "2024-10-27T02:30:00+02:00");
    EXPECT_EQ(formatDateTime(kAutumnSwitch + 1800, DateTimeFormat::IsoOffset),
              "2024-10-27T02:30:00+01:00");
    EXPECT_EQ(formatDateTime(kAutumnSwitch - 1800, DateTimeFormat::IsoLocal),
              formatDateTime(kAutumnSwitch + 1800, DateTimeFormat::IsoLocal));
    EXPECT_TRUE(isAmbiguousLocal(kAutumnSwitch - 3600));
    EXPECT_TRUE(isAmbiguousLocal(kAutumnSwitch - 1));
    EXPECT_TRUE(isAmbiguousLocal(kAutumnSwitch + 3599));
    EXPECT_FALSE(isAmbiguousLocal(kAutumnSwitch - 3601));
    EXPECT_FALSE(isAmbiguousLocal(kAutumnSwitch + 3600));
    EXPECT_FALSE(isAmbiguousLocal(kWinter));
}

TEST(DateTimeFormat, FindsBothTransitionsOf2024ToTheSecond) {
    const auto tr = findTransitions(1704067200, 1735689600);  // 2024
    ASSERT_EQ(tr.size(), 2u);
    EXPECT_EQ(tr[0].at, kSpringSwitch);
    EXPECT_EQ(tr[0].offsetBefore, 3600);
    EXPECT_EQ(tr[0].offsetAfter, 7200);
    EXPECT_EQ(tr[1].at, kAutumnSwitch);
    EXPECT_EQ(tr[1].offsetAfter, 3600);
}

TEST(DateTimeFormat, ParsesFormatNamesAndChecksZones) {
    EXPECT_EQ(parseDateTimeFormat("iso-local"), DateTimeFormat::IsoLocal);
    EXPECT_EQ(parseDateTimeFormat("epoch-ms"), DateTimeFormat::EpochMs);
    EXPECT_FALSE(parseDateTimeFormat("iso"));
    EXPECT_TRUE(timeZoneExists("Europe/Prague"));
    EXPECT_FALSE(timeZoneExists("Europe/Atlantis"));
    EXPECT_FALSE(timeZoneExists("../etc/passwd"));
}

TEST(CivilDate, RoundTripsAndFormats) {
    EXPECT_EQ(formatDate(0), "1970-01-01");
    EXPECT_EQ(formatDate(daysFromCivil(2024, 2, 29)), "2024-02-29");
    EXPECT_EQ(daysFromCivil(2024, 3, 1) - daysFromCivil(2024, 2, 28), 2);
    EXPECT_EQ(formatDate(daysFromCivil(1940, 12, 31)), "1940-12-31");
}
