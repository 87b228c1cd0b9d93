#include "source/RetryPolicy.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cmath>
#include <regex>

namespace intouch {

RetryPolicy::RetryPolicy(int maxAttempts, double initialBackoffSeconds, double maxBackoffSeconds,
                         double maxTotalWaitSeconds, unsigned seed)
    : maxAttempts_(std::max(1, maxAttempts)),
      initial_(initialBackoffSeconds),
      cap_(maxBackoffSeconds),
      maxTotalWait_(maxTotalWaitSeconds),
      rng_(seed) {}

double RetryPolicy::backoffSeconds(int attempt, std::optional<double> retryAfterSeconds) {
    double ceiling = std::min(cap_, initial_ * std::pow(2.0, std::max(0, attempt - 1)));
    std::uniform_real_distribution<double> jitter(0.0, ceiling);
    double wait = jitter(rng_);
    if (retryAfterSeconds) wait = std::max(wait, *retryAfterSeconds);
    return wait;
}

bool RetryPolicy::mayRetry(int attemptsMade, double waitedSoFar, double nextWait) const {
    return attemptsMade < maxAttempts_ && waitedSoFar + nextWait <= maxTotalWait_;
}

std::optional<double> parseRetryAfter(const std::string& value,
                                      std::chrono::system_clock::time_point now) {
    std::string v = value;
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t") + 1);
    if (v.empty()) return std::nullopt;
    if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (v.size() > 9) return std::nullopt;
        return std::stod(v);
    }
    // Poco's parser is lenient and would read "soon" as a date; only the
    // IMF-fixdate form servers must send is accepted.
    static const std::regex httpDate(R"(^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$)");
    if (!std::regex_match(v, httpDate)) return std::nullopt;
    try {
        int tzd = 0;
        Poco::DateTime when = Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, v, tzd);
        auto whenEpoch = static_cast<double>(when.timestamp().epochMicroseconds()) / 1e6 - tzd;
        auto nowEpoch =
            std::chrono::duration<double>(now.time_since_epoch()).count();
        return std::max(0.0, whenEpoch - nowEpoch);
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::optional<double> retryAfterSeconds(const std::string& value,
                                        std::optional<std::int64_t> serverDateMicros,
                                        std::chrono::system_clock::time_point now) {
    if (serverDateMicros)
        now = std::chrono::system_clock::time_point(std::chrono::duration_cast<
                                                    std::chrono::system_clock::duration>(
            std::chrono::microseconds(*serverDateMicros)));
    return parseRetryAfter(value, now);
}

}  // namespace intouch
