#include <gtest/gtest.h>

#include "DateTimeFormat.h"

// Datetime output and the generated DST edge cases depend on the process time zone; the
// simulator's default zone makes the expected strings below meaningful.
int main(int argc, char** argv) {
    intouch::sim::setProcessTimeZone("Europe/Prague");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
