#pragma once
// The CRM's REST API as JSON requests: authentication, politeness (throttle) and
// retries around HttpTransport, and the mapping of HTTP outcomes onto typed
// errors. A response is either parsed whole or retried; callers never see half
// a page.

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
    std::int64_t retries = 0;
    std::map<std::string, std::int64_t> retriesByKind;  // "429", "503", "5xx", "network", "malformed"
    std::int64_t bytes = 0;                            // body bytes on the wire
    double throttleWaitSeconds = 0;
    double retryWaitSeconds = 0;
    double retryAfterWaitSeconds = 0;  // part of retryWaitSeconds asked for by 429/503
};

struct JsonResponse {
    json::Value body;
    std::optional<std::int64_t> serverDateMicros;  // from the Date header
};

class ApiClient {
public:
    explicit ApiClient(const SourceConfig& config);

    // GET <root>/<relative>; relative may carry a query string, e.g. "parties?size=1".
    JsonResponse getJson(const std::string& relative, bool authenticate = true);

    const FetchStats& stats() const { return stats_; }
    const SourceConfig& config() const { return config_; }

private:
    SourceConfig config_;
    HttpTransport transport_;
    RequestThrottle throttle_;
    RetryPolicy retry_;
    std::string authorization_;
    FetchStats stats_;
};

}  // namespace intouch
