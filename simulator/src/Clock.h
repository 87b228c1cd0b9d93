#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

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

  private:
    WallClock wall_;
    std::atomic<int64_t> floor_{0};
};

}  // namespace intouch::sim
