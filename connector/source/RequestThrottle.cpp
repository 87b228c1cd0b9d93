#include "source/RequestThrottle.hpp"

#include <algorithm>

#include "common/StopSignal.hpp"

namespace intouch {

RequestThrottle::RequestThrottle(double maxRequestsPerSecond)
    : interval_(maxRequestsPerSecond > 0
                    ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(1.0 / maxRequestsPerSecond))
                    : std::chrono::steady_clock::duration::zero()),
      next_(std::chrono::steady_clock::now()) {}

double RequestThrottle::acquire() {
    auto now = std::chrono::steady_clock::now();
    double waited = 0;
    if (now < next_) {
        waited = std::chrono::duration<double>(next_ - now).count();
        interruptibleSleep(waited);
        now = std::chrono::steady_clock::now();
    }
    next_ = now + interval_;
    return waited;
}

void RequestThrottle::finished() { next_ = std::max(next_, std::chrono::steady_clock::now() + interval_); }

}  // namespace intouch
