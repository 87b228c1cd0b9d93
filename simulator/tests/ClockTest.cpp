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
