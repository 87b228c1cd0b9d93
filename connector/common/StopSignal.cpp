#include "common/StopSignal.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace intouch {

namespace {
std::atomic<int> g_stops{0};
}

void requestStop() noexcept { g_stops.fetch_add(1, std::memory_order_relaxed); }
bool stopRequested() noexcept { return g_stops.load(std::memory_order_relaxed) > 0; }
int stopRequestCount() noexcept { return g_stops.load(std::memory_order_relaxed); }
void clearStopForTests() noexcept { g_stops.store(0); }

bool interruptibleSleep(double seconds, const std::atomic<bool>* alsoStop) {
    auto stopped = [alsoStop] {
        return stopRequested() || (alsoStop && alsoStop->load(std::memory_order_relaxed));
    };
    using namespace std::chrono;
    auto until = steady_clock::now() + duration_cast<steady_clock::duration>(duration<double>(seconds));
    while (steady_clock::now() < until) {
        if (stopped()) return false;
        auto left = until - steady_clock::now();
        std::this_thread::sleep_for(std::min<steady_clock::duration>(left, milliseconds(50)));
    }
    return !stopped();
}

}  // namespace intouch
