#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace intouch::sim {

// The simulated CRM's notion of "now", in whole seconds: the wall clock, but never behind a
// value already handed out. A connector that stores the highest `modified` it saw relies on
// the server never producing an older `modified` later, and on the Date header agreeing.
class SimClock {
  public:
    using WallClock = std::function<int64_t()>;

    explicit SimClock(WallClock wall = systemSeconds);

    // Monotonic; every value returned becomes the new floor.
    int64_t now();
    // Ensures later now() values are >= t (generated data lies before this).
    void raiseFloor(int64_t t);

    static int64_t systemSeconds();
    static int64_t systemMicros();

    // A clock set to another date and running at another pace (--clock-start, --clock-speed):
    // `start` when created, then `speed` simulated seconds per real second, measured on
    // wallMicros. Lets a test walk the CRM through a date it cannot wait for (the autumn
    // hour) in seconds; the result is a WallClock, so the floor rules above still hold.
    static WallClock scheduled(int64_t start, double speed, WallClock wallMicros = systemMicros);

  private:
    WallClock wall_;
    std::atomic<int64_t> floor_{0};
};

// "2027-10-31T00:30:00+02:00", "...Z" or epoch seconds -> epoch seconds; nullopt otherwise.
// An instant needs its offset: a local time alone is ambiguous in exactly the hour this
// option exists for.
std::optional<int64_t> parseClockStart(std::string_view text);

}  // namespace intouch::sim
