#include <gtest/gtest.h>

#include "Clock.h"

using namespace intouch::sim;

TEST(SimClock, FollowsTheWallClock) {
    int64_t wall = 1000;
    SimClock c([&wall] { return wall; });
    EXPECT_EQ(c.now(), 1000);
    wall = 1005;
    EXPECT_EQ(c.now(), 1005);
}

TEST(SimClock, NeverGoesBackwards) {
    int64_t wall = 2000;
    SimClock c([&wall] { return wall; });
    EXPECT_EQ(c.now(), 2000);
    wall = 1500;  // NTP step back
    EXPECT_EQ(c.now(), 2000);
    wall = 2001;
    EXPECT_EQ(c.now(), 2001);
}

TEST(SimClock, FloorKeepsNowAboveGeneratedData) {
    int64_t wall = 100;
    SimClock c([&wall] { return wall; });
    c.raiseFloor(500);
    EXPECT_EQ(c.now(), 500);
    c.raiseFloor(400);  // lowering is ignored
    EXPECT_EQ(c.now(), 500);
}

TEST(SimClock, ScheduledClockStartsAtItsDateAndRunsAtItsSpeed) {
    int64_t wallMicros = 5'000'000'000'000;  // anywhere: only the elapsed wall time counts
    SimClock c(SimClock::scheduled(1'820'000'000, 360, [&wallMicros] { return wallMicros; }));
    EXPECT_EQ(c.now(), 1'820'000'000);
    wallMicros += 500'000;  // half a real second = 180 simulated seconds
    EXPECT_EQ(c.now(), 1'820'000'180);
    wallMicros += 10'000'000;
    EXPECT_EQ(c.now(), 1'820'003'780);
}

TEST(SimClock, ClockStartNeedsAnInstant) {
    EXPECT_EQ(parseClockStart("2027-10-31T00:30:00+02:00"), 1824935400);  // 2027-10-30T22:30Z
    EXPECT_EQ(parseClockStart("2027-10-30T22:30:00Z"), 1824935400);
    EXPECT_EQ(parseClockStart("2027-10-31T00:30:00-01:30"), 1824935400 + 2 * 3600 + 5400);
    EXPECT_EQ(parseClockStart("1824935400"), 1824935400);
    EXPECT_EQ(parseClockStart("2027-10-31T00:30:00"), std::nullopt);  // local: ambiguous
    EXPECT_EQ(parseClockStart("2027-02-30T00:30:00Z"), std::nullopt);
    EXPECT_EQ(parseClockStart("2027-10-31 00:30:00Z"), std::nullopt);
    EXPECT_EQ(parseClockStart("2027-10-31T24:30:00Z"), std::nullopt);
}
