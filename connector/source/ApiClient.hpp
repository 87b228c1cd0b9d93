#pragma once
// The CRM's REST API as JSON requests: authentication, politeness (throttle) and
// retries around HttpTransport, and the mapping of HTTP outcomes onto typed
// errors. A response is either parsed whole or retried; callers never see half
// a page. Requests are strictly sequential (one in flight per client), and every
// one of them, retries and reconnects included, passes the throttle.

#include <cstdint>
#include <map>
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
};

// "429:3,5xx:2" (kinds in name order); "none" when empty. For logs and summaries.
std::string formatRetriesByKind(const std::map<std::string, std::int64_t>& byKind);

struct JsonResponse {
    json::Value body;
    std::string text;  // what `body` was parsed from (json::Value::canonicalSpan() points into it)
    std::optional<std::int64_t> serverDateMicros;  // from the Date header
};

class ApiClient {
public:
    explicit ApiClient(const SourceConfig& config);
    // Logs the summary of the client's requests (retries by kind, waits).
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

    // One line with the counts, for the log at the end of a run.
    void logSummary() const;

private:
    struct Attempt;
    Attempt attemptOnce(const std::string& path, const std::string& what, bool authenticate);
    void pace();

    SourceConfig config_;
    HttpTransport transport_;
    RequestThrottle throttle_;
    RetryPolicy retry_;
    std::string authorization_;
    mutable FetchStats stats_;
};

}  // namespace intouch
