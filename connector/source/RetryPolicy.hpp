#pragma once
// When and how long to wait before repeating a failed request: exponential
// backoff with full jitter (so many clients do not retry in lockstep), never
// shorter than what the server asked for with Retry-After.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace intouch {

class RetryPolicy {
public:
    RetryPolicy(int maxAttempts, double initialBackoffSeconds, double maxBackoffSeconds,
                double maxTotalWaitSeconds, unsigned seed = std::random_device{}());

    // Wait before attempt number `attempt + 1` (attempt counts from 1), honouring a
    // server-requested minimum.
    double backoffSeconds(int attempt, std::optional<double> retryAfterSeconds);

    bool mayRetry(int attemptsMade, double waitedSoFar, double nextWait) const;

    int maxAttempts() const { return maxAttempts_; }

private:
    int maxAttempts_;
    double initial_;
    double cap_;
    double maxTotalWait_;
    std::mt19937_64 rng_;
};

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT"), relative to now. nullopt when unparseable.
std::optional<double> parseRetryAfter(const std::string& value,
                                      std::chrono::system_clock::time_point now =
                                          std::chrono::system_clock::now());

// The wait a Retry-After value asks for. An HTTP-date is measured against the
// same answer's Date header when there is one: the server meant "until then by
// my clock", and a client clock running ahead of the server's must not shorten
// the wait. Without a Date header the local clock is used.
std::optional<double> retryAfterSeconds(const std::string& value,
                                        std::optional<std::int64_t> serverDateMicros,
                                        std::chrono::system_clock::time_point now =
                                            std::chrono::system_clock::now());

}  // namespace intouch
