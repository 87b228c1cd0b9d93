#include "Clock.h"

#include <chrono>

namespace intouch::sim {

SimClock::SimClock(WallClock wall) : wall_(std::move(wall)) {}

int64_t SimClock::systemSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t SimClock::now() {
    const int64_t wall = wall_();
    int64_t floor = floor_.load();
    while (true) {
        const int64_t result = wall > floor ? wall : floor;
        if (result == floor || floor_.compare_exchange_weak(floor, result)) return result;
    }
}

void SimClock::raiseFloor(int64_t t) {
    int64_t floor = floor_.load();
    while (floor < t && !floor_.compare_exchange_weak(floor, t)) {
    }
}

}  // namespace intouch::sim
