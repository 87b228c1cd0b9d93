// Issue 11, the autumn hour: in Europe/Prague on 2024-10-27 the local hour 02:00-03:00 runs
// twice, 00:00Z-01:00Z (summer time) and 01:00Z-02:00Z (winter time). A CRM writing local
// times without offset gives both passes the same values, so a checkpoint anywhere in that
// span (or within settle_seconds of it) must send the next run back to 00:00Z.

#include <gtest/gtest.h>

#include "mapping/TimeZone.hpp"
#include "sync/RepeatedHour.hpp"

using namespace intouch;

namespace {

constexpr std::int64_t kS = 1000000;
constexpr std::int64_t kFirstPass = 1729987200 * kS;  // 2024-10-27T00:00:00Z
constexpr std::int64_t kSecondPassEnd = kFirstPass + 7200 * kS;

Checkpoint at(std::int64_t micros) {
    Checkpoint cp;
    cp.modifiedMicros = micros;
    cp.tieKeys = {"id=1"};
    cp.position = 4000;
    cp.total = 5000;
    return cp;
}

}  // namespace

TEST(RepeatedHour, FoundAroundTheOctoberChangeOnly) {
    const TimeZone prague = TimeZone::load("Europe/Prague");
    const auto h = repeatedHourNear(prague, kFirstPass + 1800 * kS);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->firstPassStartMicros, kFirstPass);
    EXPECT_EQ(h->secondPassEndMicros, kSecondPassEnd);
    EXPECT_FALSE(repeatedHourNear(prague, kFirstPass - 30 * 86400 * kS));
    // The spring change moves forward: nothing repeats.
    EXPECT_FALSE(repeatedHourNear(prague, 1711846800LL * kS));  // 2024-03-31T01:00:00Z
    EXPECT_FALSE(repeatedHourNear(TimeZone::utc(), kFirstPass));
}

TEST(RepeatedHour, FoundAfter2037AndForHalfHourChanges) {
    // 2040-10-28: the zone's rule, not a listed transition, makes 02:00-03:00 repeat.
    constexpr std::int64_t k2040 = 2234995200LL * kS;  // 2040-10-28T00:00:00Z
    const auto h = repeatedHourNear(TimeZone::load("Europe/Prague"), k2040 + 1800 * kS);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->firstPassStartMicros, k2040);
    EXPECT_EQ(h->secondPassEndMicros, k2040 + 7200 * kS);
    // Lord Howe Island goes back 30 minutes at 2024-04-06T15:00Z (02:00 -> 01:30 local).
    constexpr std::int64_t kLordHowe = 1712415600LL * kS;  // 2024-04-06T15:00:00Z
    const auto lh = repeatedHourNear(TimeZone::load("Australia/Lord_Howe"), kLordHowe);
    ASSERT_TRUE(lh);
    EXPECT_EQ(lh->firstPassStartMicros, kLordHowe - 1800 * kS);
    EXPECT_EQ(lh->secondPassEndMicros, kLordHowe + 1800 * kS);
}

TEST(RepeatedHour, ACheckpointInEitherPassGoesBackToTheFirstPassStart) {
    const TimeZone prague = TimeZone::load("Europe/Prague");
    for (std::int64_t c : {kFirstPass, kFirstPass + 40 * 60 * kS, kFirstPass + 3600 * kS,
                           kFirstPass + 5400 * kS, kSecondPassEnd}) {
        const Checkpoint out = rewindOverRepeatedHour(at(c), prague, 2, c + 60 * kS);
        ASSERT_TRUE(out.modifiedMicros);
        EXPECT_EQ(*out.modifiedMicros, kFirstPass) << c;
        EXPECT_FALSE(out.tieComplete);
        EXPECT_TRUE(out.tieKeys.empty());
    }
}

TEST(RepeatedHour, WithinSettleSecondsOfTheHourCountsToo) {
    const TimeZone prague = TimeZone::load("Europe/Prague");
    // Just after the second pass: within 30 s of settle.
    EXPECT_EQ(*rewindOverRepeatedHour(at(kSecondPassEnd + 20 * kS), prague, 30, std::nullopt).modifiedMicros,
              kFirstPass);
    EXPECT_EQ(*rewindOverRepeatedHour(at(kSecondPassEnd + 40 * kS), prague, 30, std::nullopt).modifiedMicros,
              kSecondPassEnd + 40 * kS);
    // Just before the first pass: never moved forward.
    EXPECT_EQ(*rewindOverRepeatedHour(at(kFirstPass - 10 * kS), prague, 30, std::nullopt).modifiedMicros,
              kFirstPass - 10 * kS);
}

TEST(RepeatedHour, ACheckpointSavedWellAfterTheHourIsLeftAlone) {
    const TimeZone prague = TimeZone::load("Europe/Prague");
    const Checkpoint cp = at(kFirstPass + 1800 * kS);
    // Saved by a run after both passes (and the skew margin): that run read both.
    EXPECT_EQ(rewindOverRepeatedHour(cp, prague, 2, kSecondPassEnd + 2 * 3600 * kS), cp);
    // Saved during the hour: rewound.
    EXPECT_EQ(*rewindOverRepeatedHour(cp, prague, 2, kFirstPass + 1900 * kS).modifiedMicros, kFirstPass);
    // An ordinary day is never touched.
    const Checkpoint july = at(kFirstPass - 100 * 86400 * kS);
    EXPECT_EQ(rewindOverRepeatedHour(july, prague, 2, std::nullopt), july);
}
