#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace intouch::sim {

// What tests need to judge the connector's manners: request counts, status mix, arrival
// times (rate limiting) and the peak of concurrent /api requests (one in flight per CRM).
class Stats {
  public:
    static constexpr std::size_t kMaxTimes = 10000;

    // Call at the arrival of an /api request, and finish() when its answer has been sent.
    void begin(int64_t arrivalEpochMs);
    void finish(int status);
    void fault(std::string_view name);
    void mutations(int64_t edited, int64_t inserted, int64_t deleted);
    void reset();

    std::string json() const;

  private:
    mutable std::mutex mu_;
    int64_t requests_ = 0;
    int64_t inFlight_ = 0;
    int64_t maxInFlight_ = 0;
    std::map<int, int64_t> byStatus_;
    std::map<std::string, int64_t, std::less<>> faults_;
    std::deque<int64_t> times_;
    int64_t edited_ = 0, inserted_ = 0, deleted_ = 0;
};

}  // namespace intouch::sim
