#pragma once
// Politeness towards the CRM: at most N requests per second, where each request
// starts at least 1/N s after the previous one *ended* (answer read, or failed),
// and after the previous one started. Counting from the end rather than only
// from the start has two reasons: a slow, struggling server gets the pause in
// full instead of back-to-back requests, and the spacing holds as the server
// sees it (it stamps a request's arrival before it answers), whatever the
// scheduling delays on either side. The connector issues one request at a time
// per CRM (ApiClient is the only caller and it is sequential), so this also
// bounds requests in flight to one.

#include <chrono>

namespace intouch {

class RequestThrottle {
public:
    explicit RequestThrottle(double maxRequestsPerSecond);
    // Blocks until the next request may start; returns the seconds waited.
    double acquire();
    // The request that acquire() admitted is over (successfully or not).
    void finished();

private:
    std::chrono::steady_clock::duration interval_;
    std::chrono::steady_clock::time_point next_;
};

}  // namespace intouch
