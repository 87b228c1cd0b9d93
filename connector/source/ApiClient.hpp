#pragma once
// The CRM's REST API as JSON requests: authentication, politeness (throttle) and
// retries around HttpTransport, and the mapping of HTTP outcomes onto typed
// errors. A response is either parsed whole or retried; callers never see half
// a page. Requests are strictly sequential (one in flight per client), and every
// one of them, retries and reconnects included, passes the throttle. The clients of the
// workers of one run (sync.parallel_streams) share one throttle: one request in flight
// towards the CRM in all, and a 429/503 slows every worker (RequestThrottle.hpp).

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/Json.hpp"
#include "source/HttpTransport.hpp"
#include "source/RequestThrottle.hpp"
#include "source/RetryPolicy.hpp"
#include "source/SourceConfig.hpp"

namespace intouch {

struct FetchStats {
    std::int64_t requests = 0;  // HTTP requests sent, retries included
    std::int64_t retries = 0;   // failed attempts that were repeated after a backoff
    std::int64_t answered = 0;  // requests that got a usable 2xx answer
    // "429", "503", "5xx", "timeout", "network", "malformed" (see retryKindOf)
    std::map<std::string, std::int64_t> retriesByKind;
    std::int64_t reconnects = 0;   // requests repeated at once on a fresh connection (stale keep-alive)
    std::int64_t connections = 0;  // connections opened
    std::int64_t bytes = 0;        // body bytes on the wire
    double throttleWaitSeconds = 0;
    double retryWaitSeconds = 0;
    double retryAfterWaitSeconds = 0;  // part of retryWaitSeconds asked for by Retry-After

    // The stats of several clients (the workers of one run) as one.
    FetchStats& operator+=(const FetchStats& other);
};

// "429:3,5xx:2" (kinds in name order); "none" when empty. For logs and summaries.
std::string formatRetriesByKind(const std::map<std::string, std::int64_t>& byKind);

struct JsonResponse {
    json::Value body;
    std::string text;  // what `body` was parsed from (json::Value::canonicalSpan() points into it)
    std::optional<std::int64_t> serverDateMicros;  // from the Date header
};

// One line with the counts, for the log at the end of a run.
void logFetchSummary(const FetchStats& stats);

class ApiClient {
public:
    // `throttle`: the one of the CRM, shared with the run's other clients; a new one when null.
    explicit ApiClient(const SourceConfig& config, std::shared_ptr<RequestThrottle> throttle = nullptr);
    // Logs the summary of the client's requests (retries by kind, waits), unless
    // setLogSummary(false): a run of several clients logs their sum once.
    ~ApiClient();
    ApiClient(const ApiClient&) = delete;
    ApiClient& operator=(const ApiClient&) = delete;

    // GET <root>/<relative>; relative may carry a query string, e.g. "parties?size=1".
    // Throws AuthError (401; ForbiddenError for 403), NotFoundError (404), SourceError (other
    // 4xx), SourceUnavailableError (network, TLS, retries exhausted) or InterruptedError (stop
    // requested while waiting).
    JsonResponse getJson(const std::string& relative, bool authenticate = true);

    const FetchStats& stats() const;
    const SourceConfig& config() const { return config_; }
    const std::shared_ptr<RequestThrottle>& throttle() const { return throttle_; }

    // A run-wide stop besides the process's (StopSignal): set, the next request (or wait)
    // throws InterruptedError. For the workers of a run that another worker's error ends.
    // This client sets it itself on a 401, before the next request may start: the other
    // workers must not send the refused credentials again.
    void setCancel(std::atomic<bool>* cancel) { cancel_ = cancel; }
    void setLogSummary(bool on) { logSummary_ = on; }
    // The requests of the run's other clients (its workers): this client's stats and
    // summary are then the run's.
    void addStats(const FetchStats& others);

    // One line with the counts, for the log at the end of a run.
    void logSummary() const;

private:
    struct Attempt;
    Attempt attemptOnce(const std::string& path, const std::string& what, bool authenticate);
    // Waits for the throttle; false when a stop request came first (nothing admitted).
    bool pace();

    SourceConfig config_;
    HttpTransport transport_;
    std::shared_ptr<RequestThrottle> throttle_;
    RetryPolicy retry_;
    std::string authorization_;
    mutable FetchStats stats_;
    std::atomic<bool>* cancel_ = nullptr;
    bool logSummary_ = true;
    std::int64_t othersConnections_ = 0;

    bool cancelled() const;
};

}  // namespace intouch
