#include "source/RequestThrottle.hpp"

#include <algorithm>
#include <thread>

#include "common/StopSignal.hpp"

namespace intouch {

namespace {
bool stopping(const std::atomic<bool>* cancel) {
    return stopRequested() || (cancel && cancel->load(std::memory_order_relaxed));
}
}  // namespace

RequestThrottle::RequestThrottle(double maxRequestsPerSecond)
    : interval_(maxRequestsPerSecond > 0
                    ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(1.0 / maxRequestsPerSecond))
                    : std::chrono::steady_clock::duration::zero()),
      next_(std::chrono::steady_clock::now()) {}

std::optional<double> RequestThrottle::acquire(const std::atomic<bool>* cancel) {
    using namespace std::chrono;
    const auto t0 = steady_clock::now();
    std::unique_lock lock(mutex_);
    // Another worker's request is in flight: wait for its end (polling, so that a
    // stop request is honoured within 50 ms).
    while (inFlight_) {
        if (stopping(cancel)) return std::nullopt;
        idle_.wait_for(lock, milliseconds(50));
    }
    inFlight_ = true;
    // Sleep out the spacing; next_ may move on meanwhile (holdOff), so look again. A stop is
    // looked at before every sleep and once more on admission: a worker whose request got a
    // 401 sets the cancel before it frees the slot, and a waiter woken with no spacing left
    // must not send the refused credentials a second time.
    for (;;) {
        if (stopping(cancel)) {
            inFlight_ = false;
            idle_.notify_one();
            return std::nullopt;
        }
        const auto now = steady_clock::now();
        if (now >= next_) {
            next_ = now + interval_;
            return duration<double>(now - t0).count();
        }
        const auto left = std::min<steady_clock::duration>(next_ - now, milliseconds(50));
        lock.unlock();
        std::this_thread::sleep_for(left);
        lock.lock();
    }
}

void RequestThrottle::finished() {
    {
        std::lock_guard lock(mutex_);
        inFlight_ = false;
        next_ = std::max(next_, std::chrono::steady_clock::now() + interval_);
    }
    idle_.notify_one();
}

void RequestThrottle::holdOff(double seconds) {
    if (seconds <= 0) return;
    std::lock_guard lock(mutex_);
    next_ = std::max(next_, std::chrono::steady_clock::now() +
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(seconds)));
}

}  // namespace intouch
