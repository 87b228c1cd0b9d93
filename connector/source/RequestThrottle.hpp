#pragma once
// Politeness towards the CRM: at most N requests per second, where each request
// starts at least 1/N s after the previous one *ended* (answer read, or failed),
// and after the previous one started. Counting from the end rather than only
// from the start has two reasons: a slow, struggling server gets the pause in
// full instead of back-to-back requests, and the spacing holds as the server
// sees it (it stamps a request's arrival before it answers), whatever the
// scheduling delays on either side.
//
// One throttle stands for one CRM: every ApiClient of a run shares it (a run that
// syncs streams side by side, sync.parallel_streams, has one client per worker),
// so it is thread-safe and admits one request at a time across all of them. The
// CRM therefore sees the same spacing and at most one request in flight, however
// many streams are read concurrently; what the workers overlap is their parsing,
// mapping and writing. When the server asks to slow down (429/503, Retry-After),
// holdOff() pauses every worker, not only the one that was answered.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace intouch {

class RequestThrottle {
public:
    explicit RequestThrottle(double maxRequestsPerSecond);
    // Blocks until the next request may start (no other request in flight, the
    // spacing passed); returns the seconds waited. Returns nothing, and admits
    // nothing, when a stop request (the process's, or `cancel` when given) cut the
    // wait short: the caller must not send then.
    std::optional<double> acquire(const std::atomic<bool>* cancel = nullptr);
    // The request that acquire() admitted is over (successfully or not).
    void finished();
    // The server asked every client to wait (429/503, Retry-After): no request
    // starts before `seconds` from now, whichever worker asks.
    void holdOff(double seconds);

private:
    std::mutex mutex_;
    std::condition_variable idle_;
    bool inFlight_ = false;
    std::chrono::steady_clock::duration interval_;
    std::chrono::steady_clock::time_point next_;
};

}  // namespace intouch
