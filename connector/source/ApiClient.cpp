#include "source/ApiClient.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "source/ApiError.hpp"

namespace intouch {

namespace {

std::string basicAuthorization(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ':' << password;
    encoder.close();
    return "Basic " + out.str();
}

std::optional<std::int64_t> parseDateHeader(const HttpResponse& r) {
    const std::string* date = r.header("date");
    if (!date) return std::nullopt;
    try {
        int tzd = 0;
        Poco::DateTime dt = Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, *date, tzd);
        return dt.timestamp().epochMicroseconds() - static_cast<std::int64_t>(tzd) * 1000000;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::string fixed3(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

const char* kindOf(TransportError::Kind k) {
    switch (k) {
        case TransportError::Kind::Timeout: return "timeout";
        case TransportError::Kind::CorruptBody: return "malformed";
        default: return "network";
    }
}

}  // namespace

std::string formatRetriesByKind(const std::map<std::string, std::int64_t>& byKind) {
    std::string out;
    for (const auto& [kind, n] : byKind) {
        if (n == 0) continue;
        out += (out.empty() ? "" : ",") + kind + ":" + std::to_string(n);
    }
    return out.empty() ? "none" : out;
}

// The outcome of one HTTP exchange: a parsed answer, or why it failed.
struct ApiClient::Attempt {
    std::optional<JsonResponse> response;
    std::string failure;  // names the request
    std::string kind;     // key of FetchStats::retriesByKind
    std::optional<double> retryAfter;
    std::string retryAfterHeader;  // as sent, for the log
    bool staleConnection = false;
};

FetchStats& FetchStats::operator+=(const FetchStats& o) {
    requests += o.requests;
    retries += o.retries;
    answered += o.answered;
    for (const auto& [kind, n] : o.retriesByKind) retriesByKind[kind] += n;
    reconnects += o.reconnects;
    connections += o.connections;
    bytes += o.bytes;
    throttleWaitSeconds += o.throttleWaitSeconds;
    retryWaitSeconds += o.retryWaitSeconds;
    retryAfterWaitSeconds += o.retryAfterWaitSeconds;
    return *this;
}

ApiClient::ApiClient(const SourceConfig& config, std::shared_ptr<RequestThrottle> throttle)
    : config_(config),
      transport_(config),
      throttle_(throttle ? std::move(throttle)
                         : std::make_shared<RequestThrottle>(config.maxRequestsPerSecond)),
      retry_(config.maxAttempts, config.initialBackoffSeconds, config.maxBackoffSeconds,
             config.maxRetryWaitSeconds) {
    authorization_ = basicAuthorization(config.username, config.password);
    log::addSecret(config.password);
    log::addSecret(authorization_);
    log::addSecret(authorization_.substr(6));
}

ApiClient::~ApiClient() {
    try {
        if (logSummary_) logSummary();
    } catch (...) {
        // A failing log write must not turn a finished run into a crash.
    }
}

const FetchStats& ApiClient::stats() const {
    stats_.connections = transport_.connectionsOpened() + othersConnections_;
    return stats_;
}

void ApiClient::addStats(const FetchStats& others) {
    FetchStats o = others;
    othersConnections_ += o.connections;
    o.connections = 0;
    stats_ += o;
}

void ApiClient::logSummary() const { logFetchSummary(stats()); }

bool ApiClient::cancelled() const {
    return stopRequested() || (cancel_ && cancel_->load(std::memory_order_relaxed));
}

void logFetchSummary(const FetchStats& s) {
    if (s.requests == 0) return;
    log::info("CRM requests summary",
              {{"requests", std::to_string(s.requests)},
               {"retries", std::to_string(s.retries)},
               {"retries_by_kind", formatRetriesByKind(s.retriesByKind)},
               {"reconnects", std::to_string(s.reconnects)},
               {"connections", std::to_string(s.connections)},
               {"throttle_wait_s", fixed3(s.throttleWaitSeconds)},
               {"retry_wait_s", fixed3(s.retryWaitSeconds)},
               {"retry_after_wait_s", fixed3(s.retryAfterWaitSeconds)},
               {"wire_bytes", std::to_string(s.bytes)}});
}

// Every request, first tries and retries alike, waits its turn here.
bool ApiClient::pace() {
    const std::optional<double> waited = throttle_->acquire(cancel_);
    if (!waited) return false;
    stats_.throttleWaitSeconds += *waited;
    if (*waited >= 0.001)
        log::debug("throttle: waited before the next request",
                   {{"wait_s", fixed3(*waited)},
                    {"requests_per_second", fixed3(config_.maxRequestsPerSecond)}});
    return true;
}

ApiClient::Attempt ApiClient::attemptOnce(const std::string& path, const std::string& what,
                                          bool authenticate) {
    Attempt a;
    HttpResponse r;
    try {
        // The pause counts from the end of the exchange, also when it throws; the parse
        // below is not part of it (another worker's request may go meanwhile).
        struct Finished {
            RequestThrottle& t;
            ~Finished() { t.finished(); }
        } finished{*throttle_};
        r = transport_.get(path, authenticate ? authorization_ : std::string());
        // A 401 ends the run: the other workers hear of it before the throttle lets the next
        // request go, so the CRM sees the refused credentials once.
        if (r.status == 401 && cancel_) cancel_->store(true);
    } catch (const TransportError& e) {
        if (!e.retryable()) throw SourceUnavailableError(e.what());
        a.failure = e.what();
        a.kind = kindOf(e.kind());
        a.staleConnection = e.kind() == TransportError::Kind::StaleConnection;
        return a;
    }
    stats_.bytes += static_cast<std::int64_t>(r.wireBytes);
    if (r.status >= 200 && r.status < 300) {
        try {
            JsonResponse out;
            json::ParseStats parsed;
            out.body = json::parse(r.body, &parsed);
            // The data is changed on its way in, so the user must hear about it; the parser
            // cannot tell which record a byte belonged to, the request at least names the page.
            if (parsed.invalidUtf8Bytes > 0)
                log::warn("invalid UTF-8 in a CRM answer: each bad byte was replaced by U+FFFD",
                          {{"request", path},
                           {"bytes_replaced", std::to_string(parsed.invalidUtf8Bytes)}});
            out.serverDateMicros = parseDateHeader(r);
            out.text = std::move(r.body);
            a.response = std::move(out);
        } catch (const json::ParseError& e) {
            a.failure = what + ": malformed JSON in a " + std::to_string(r.status) + " answer of " +
                        std::to_string(r.body.size()) + " bytes (" + e.what() + ")";
            a.kind = "malformed";
        }
        return a;
    }
    if (r.status == 401)
        throw AuthError(describeHttpFailure(what, r) + " -- the CRM refused API user '" +
                        config_.username +
                        "': check source.username and source.password, and that this user is "
                        "active and allowed to use the API");
    if (r.status == 403)
        throw ForbiddenError(describeHttpFailure(what, r) + " -- API user '" + config_.username +
                             "' may not read this resource (a rights problem: the credentials "
                             "were accepted): check the user's roles and rights in the CRM");
    if (r.status == 429 || r.status == 503) {
        a.kind = std::to_string(r.status);
    } else if (r.status == 408) {
        a.kind = "timeout";
    } else if (r.status >= 500) {
        a.kind = "5xx";
    } else if (r.status == 404) {
        throw NotFoundError(describeHttpFailure(what, r));
    } else {
        // 400 and the like: asking again would get the same answer.
        throw SourceError(describeHttpFailure(what, r));
    }
    a.failure = describeHttpFailure(what, r);
    if (const std::string* ra = r.header("retry-after")) {
        a.retryAfterHeader = *ra;
        a.retryAfter = retryAfterSeconds(*ra, parseDateHeader(r));
    }
    return a;
}

JsonResponse ApiClient::getJson(const std::string& relative, bool authenticate) {
    const std::string path = transport_.basePath() + "/" + relative;
    const std::string what = "GET " + transport_.origin() + path;
    const auto started = std::chrono::steady_clock::now();
    double waited = 0;
    bool reconnected = false;
    for (int attempt = 1;;) {
        if (cancelled()) throw InterruptedError("stopped before " + what);
        // attemptOnce ends what the throttle admitted (RequestThrottle::finished).
        if (!pace()) throw InterruptedError("stopped before " + what);
        ++stats_.requests;
        Attempt a = attemptOnce(path, what, authenticate);
        if (a.response) {
            ++stats_.answered;
            return std::move(*a.response);
        }

        // A kept-alive connection the server had closed: repeat at once on a new
        // one (through the throttle), once per attempt and without using it up.
        if (a.staleConnection && !reconnected) {
            reconnected = true;
            ++stats_.reconnects;
            log::debug("reconnecting: the server had closed the kept-alive connection",
                       {{"request", what}});
            continue;
        }

        const double wait = retry_.backoffSeconds(attempt, a.retryAfter);
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (attempt >= retry_.maxAttempts())
            throw SourceUnavailableError(a.failure + " -- gave up after " + std::to_string(attempt) +
                              " attempts in " + fixed3(elapsed) + " s (source.max_attempts: " +
                              std::to_string(retry_.maxAttempts()) + ")");
        if (!retry_.mayRetry(attempt, waited, wait))
            throw SourceUnavailableError(a.failure + " -- gave up after " + std::to_string(attempt) +
                              " attempts: the next wait of " + fixed3(wait) + " s" +
                              (a.retryAfter ? " (Retry-After: " + a.retryAfterHeader + ")" : "") +
                              " would exceed source.max_retry_wait_seconds: " +
                              fixed3(config_.maxRetryWaitSeconds) + " (waited " + fixed3(waited) +
                              " s so far)");
        ++stats_.retries;
        ++stats_.retriesByKind[a.kind];
        log::warn("request failed, retrying",
                  {{"error", a.failure},
                   {"kind", a.kind},
                   {"attempt", std::to_string(attempt) + "/" + std::to_string(retry_.maxAttempts())},
                   {"wait_s", fixed3(wait)},
                   {"retry_after", a.retryAfter ? a.retryAfterHeader : "-"}});
        waited += wait;
        stats_.retryWaitSeconds += wait;
        if (a.retryAfter) stats_.retryAfterWaitSeconds += wait;
        // The server asked to slow down: every client of this CRM waits, not only this one.
        if (a.retryAfter || a.kind == "429" || a.kind == "503") throttle_->holdOff(wait);
        if (!interruptibleSleep(wait, cancel_)) throw InterruptedError("stopped while waiting to retry " + what);
        ++attempt;
        reconnected = false;
    }
}

}  // namespace intouch
