#include "source/ApiClient.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

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

}  // namespace

ApiClient::ApiClient(const SourceConfig& config)
    : config_(config),
      transport_(config),
      throttle_(config.maxRequestsPerSecond),
      retry_(config.maxAttempts, config.initialBackoffSeconds, config.maxBackoffSeconds,
             config.maxRetryWaitSeconds) {
    authorization_ = basicAuthorization(config.username, config.password);
    log::addSecret(config.password);
    log::addSecret(authorization_);
    log::addSecret(authorization_.substr(6));
}

JsonResponse ApiClient::getJson(const std::string& relative, bool authenticate) {
    const std::string path = transport_.basePath() + "/" + relative;
    const std::string what = "GET " + transport_.origin() + path;
    double waited = 0;
    for (int attempt = 1;; ++attempt) {
        if (stopRequested()) throw InterruptedError("stopped before " + what);
        double throttled = throttle_.acquire();
        stats_.throttleWaitSeconds += throttled;
        if (throttled > 0.05)
            log::debug("throttled request", {{"wait_s", std::to_string(throttled)}});

        std::string failure;
        std::string kind;
        std::optional<double> retryAfter;
        ++stats_.requests;
        try {
            HttpResponse r = transport_.get(path, authenticate ? authorization_ : std::string());
            stats_.bytes += static_cast<std::int64_t>(r.wireBytes);
            if (r.status >= 200 && r.status < 300) {
                try {
                    JsonResponse out;
                    out.body = json::parse(r.body);
                    out.serverDateMicros = parseDateHeader(r);
                    return out;
                } catch (const json::ParseError& e) {
                    failure = what + ": malformed JSON in a " + std::to_string(r.status) +
                              " answer (" + e.what() + ")";
                    kind = "malformed";
                }
            } else if (r.status == 401 || r.status == 403) {
                throw AuthError(describeHttpFailure(what, r) +
                                " -- check source.username/source.password and that the API "
                                "user has the rights to read this resource");
            } else if (r.status == 429 || r.status == 503) {
                failure = describeHttpFailure(what, r);
                kind = std::to_string(r.status);
                if (const std::string* ra = r.header("retry-after")) retryAfter = parseRetryAfter(*ra);
            } else if (r.status >= 500 || r.status == 408) {
                failure = describeHttpFailure(what, r);
                kind = "5xx";
            } else {
                throw SourceError(describeHttpFailure(what, r));
            }
        } catch (const TransportError& e) {
            if (!e.retryable()) throw SourceError(e.what());
            failure = e.what();
            kind = "network";
        }

        double wait = retry_.backoffSeconds(attempt, retryAfter);
        if (!retry_.mayRetry(attempt, waited, wait))
            throw SourceError(failure + " (gave up after " + std::to_string(attempt) +
                              " attempts)");
        ++stats_.retries;
        ++stats_.retriesByKind[kind];
        log::warn("request failed, retrying",
                  {{"error", failure}, {"attempt", std::to_string(attempt)},
                   {"wait_s", std::to_string(wait)}});
        waited += wait;
        stats_.retryWaitSeconds += wait;
        if (retryAfter) stats_.retryAfterWaitSeconds += wait;
        if (!interruptibleSleep(wait)) throw InterruptedError("stopped while waiting to retry " + what);
    }
}

}  // namespace intouch
