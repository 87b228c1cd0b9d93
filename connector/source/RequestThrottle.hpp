#pragma once
// Politeness towards the CRM: requests are spaced so that at most N start per
// second. The connector issues one request at a time per CRM (the fetcher is the
// only caller and it is sequential), so this also bounds requests in flight.

#include <chrono>

namespace intouch {

class RequestThrottle {
public:
    explicit RequestThrottle(double maxRequestsPerSecond);
    // Blocks until the next request may start; returns the seconds waited.
    double acquire();

private:
    std::chrono::steady_clock::duration interval_;
    std::chrono::steady_clock::time_point next_;
};

}  // namespace intouch
