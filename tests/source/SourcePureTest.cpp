// Pure parts of the fetcher: certificate explanations, Retry-After arithmetic, backoff
// bounds and the retry summary format. No network.

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "source/ApiClient.hpp"
#include "source/RequestThrottle.hpp"
#include "source/RetryPolicy.hpp"
#include "source/TlsClientContext.hpp"

using namespace intouch;

namespace {

CertificateProblem problem(int error) {
    CertificateProblem p;
    p.x509Error = error;
    p.opensslText = "some openssl text";
    p.subject = "/CN=crm.example.com";
    p.issuer = "/CN=Corp CA";
    p.validFrom = "2020-01-01 00:00:00 UTC";
    p.validUntil = "2020-01-02 00:00:00 UTC";
    p.names = "crm.example.com, 10.0.0.1";
    return p;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(CertificateExplanation, ExpiredNamesTheEndOfValidity) {
    std::string m = explainCertificateProblem(problem(X509_V_ERR_CERT_HAS_EXPIRED), "crm.example.com");
    EXPECT_TRUE(contains(m, "has expired")) << m;
    EXPECT_TRUE(contains(m, "valid until 2020-01-02 00:00:00 UTC")) << m;
    EXPECT_TRUE(contains(m, "/CN=crm.example.com")) << m;
}

TEST(CertificateExplanation, NotYetValidSuspectsTheClock) {
    std::string m = explainCertificateProblem(problem(X509_V_ERR_CERT_NOT_YET_VALID), "h");
    EXPECT_TRUE(contains(m, "not valid yet")) << m;
    EXPECT_TRUE(contains(m, "valid from 2020-01-01")) << m;
    EXPECT_TRUE(contains(m, "clock")) << m;
}

TEST(CertificateExplanation, SelfSignedPointsAtCaFile) {
    std::string m = explainCertificateProblem(problem(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT), "h");
    EXPECT_TRUE(contains(m, "self-signed")) << m;
    EXPECT_TRUE(contains(m, "source.ca_file")) << m;
}

TEST(CertificateExplanation, UnknownIssuerNamesTheIssuer) {
    for (int e : {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
                  X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN}) {
        std::string m = explainCertificateProblem(problem(e), "h");
        EXPECT_TRUE(contains(m, "unknown certificate authority (/CN=Corp CA)")) << m;
        EXPECT_TRUE(contains(m, "source.ca_file")) << m;
    }
}

TEST(CertificateExplanation, HostMismatchListsTheCertificatesNames) {
    for (int e : {X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH,
                  X509_V_ERR_APPLICATION_VERIFICATION}) {
        std::string m = explainCertificateProblem(problem(e), "10.9.9.9");
        EXPECT_TRUE(contains(m, "not valid for host 10.9.9.9")) << m;
        EXPECT_TRUE(contains(m, "crm.example.com, 10.0.0.1")) << m;
    }
}

TEST(CertificateExplanation, OtherErrorsKeepOpensslsText) {
    std::string m = explainCertificateProblem(problem(X509_V_ERR_CERT_SIGNATURE_FAILURE), "h");
    EXPECT_TRUE(contains(m, "some openssl text")) << m;
    EXPECT_TRUE(contains(m, "error " + std::to_string(X509_V_ERR_CERT_SIGNATURE_FAILURE))) << m;
}

TEST(RetryAfterWait, HttpDateIsMeasuredAgainstTheAnswersDateHeader) {
    using namespace std::chrono;
    // Date: Wed, 21 Oct 2015 07:28:00 GMT; the local clock runs 10 s ahead of the server.
    const std::int64_t serverDate = 1445412480LL * 1000000;
    const auto localNow = system_clock::from_time_t(1445412490);
    auto w = retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", serverDate, localNow);
    ASSERT_TRUE(w.has_value());
    EXPECT_DOUBLE_EQ(*w, 30.0);  // not 20: a fast local clock must not shorten the wait
}

TEST(RetryAfterWait, HttpDateWithoutDateHeaderUsesTheLocalClock) {
    using namespace std::chrono;
    const auto localNow = system_clock::from_time_t(1445412490);
    auto w = retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", std::nullopt, localNow);
    ASSERT_TRUE(w.has_value());
    EXPECT_DOUBLE_EQ(*w, 20.0);
}

TEST(RetryAfterWait, SecondsIgnoreTheClocks) {
    EXPECT_DOUBLE_EQ(*retryAfterSeconds("7", 1445412480LL * 1000000), 7.0);
    EXPECT_DOUBLE_EQ(*retryAfterSeconds(" 0 ", std::nullopt), 0.0);
    EXPECT_FALSE(retryAfterSeconds("-1", std::nullopt).has_value());
    EXPECT_FALSE(retryAfterSeconds("Wednesday", std::nullopt).has_value());
}

TEST(RetryPolicyBounds, FullJitterStaysUnderTheExponentialCeiling) {
    RetryPolicy p(10, 0.5, 4.0, 1000.0, 42);
    for (int attempt = 1; attempt <= 8; ++attempt) {
        const double ceiling = std::min(4.0, 0.5 * (1 << (attempt - 1)));
        double lowest = 1e9, highest = 0;
        for (int i = 0; i < 2000; ++i) {
            double w = p.backoffSeconds(attempt, std::nullopt);
            lowest = std::min(lowest, w);
            highest = std::max(highest, w);
            ASSERT_GE(w, 0.0);
            ASSERT_LE(w, ceiling);
        }
        // Full jitter: the whole range [0, ceiling) is used, not just its top.
        EXPECT_LT(lowest, ceiling * 0.05) << "attempt " << attempt;
        EXPECT_GT(highest, ceiling * 0.95) << "attempt " << attempt;
    }
}

TEST(RetryPolicyBounds, RetryAfterIsAFloorEvenAboveTheCap) {
    RetryPolicy p(10, 0.5, 4.0, 1000.0, 1);
    for (int attempt = 1; attempt <= 5; ++attempt) EXPECT_GE(p.backoffSeconds(attempt, 60.0), 60.0);
}

TEST(RetryPolicyBounds, AttemptsAndTotalWaitAreCapped) {
    RetryPolicy p(3, 0.5, 4.0, 10.0, 1);
    EXPECT_TRUE(p.mayRetry(1, 0, 1));
    EXPECT_TRUE(p.mayRetry(2, 8, 2));
    EXPECT_FALSE(p.mayRetry(3, 0, 0));    // three attempts made: no fourth
    EXPECT_FALSE(p.mayRetry(1, 9, 1.5));  // would wait 10.5 s in total
}

TEST(RetrySummary, KindsInNameOrderWithoutZeros) {
    EXPECT_EQ(formatRetriesByKind({}), "none");
    EXPECT_EQ(formatRetriesByKind({{"5xx", 2}, {"429", 3}, {"timeout", 0}}), "429:3,5xx:2");
}

TEST(RequestThrottleSpacing, ThePauseCountsFromTheEndOfTheLastRequest) {
    using namespace std::chrono;
    RequestThrottle t(10);  // 100 ms
    EXPECT_LT(t.acquire().value(), 0.001);  // the first request goes at once
    std::this_thread::sleep_for(milliseconds(60));  // a 60 ms exchange
    t.finished();
    const auto t0 = steady_clock::now();
    const double waited = t.acquire().value();
    const double measured = duration<double>(steady_clock::now() - t0).count();
    EXPECT_GT(waited, 0.09);  // 100 ms after the end, not the 40 ms left of 100 after the start
    EXPECT_GE(measured, 0.095);
    // Counted from the start too: an exchange that ends at once still waits the interval.
    t.finished();
    const auto t1 = steady_clock::now();
    t.acquire();
    EXPECT_GE(duration<double>(steady_clock::now() - t1).count(), 0.095);
    t.finished();
}

// Shared by the workers of sync.parallel_streams: one request in flight across all of them,
// and a server's "slow down" (holdOff) delays every one.
TEST(RequestThrottleSpacing, WorkersShareOneSlotAndOneHoldOff) {
    using namespace std::chrono;
    RequestThrottle t(1000);  // 1 ms: only the slot and the hold-off matter here
    t.acquire();
    std::atomic<bool> admitted{false};
    std::thread other([&] {
        t.acquire();
        admitted = true;
        t.finished();
    });
    std::this_thread::sleep_for(milliseconds(150));
    EXPECT_FALSE(admitted.load()) << "a second request started while one was in flight";
    t.finished();
    other.join();
    EXPECT_TRUE(admitted.load());

    t.holdOff(0.3);  // e.g. a 429 with Retry-After: 0.3 seen by one worker
    const auto t0 = steady_clock::now();
    std::thread another([&] {
        t.acquire();
        t.finished();
    });
    another.join();
    EXPECT_GE(duration<double>(steady_clock::now() - t0).count(), 0.29);

    // The run ends (another worker's error): a worker waiting for the slot gives up within
    // 50 ms, admitted nothing, and the request in flight still ends normally.
    t.acquire();
    std::atomic<bool> cancel{false};
    std::optional<double> got = 0.0;
    std::thread waiting([&] { got = t.acquire(&cancel); });
    std::this_thread::sleep_for(milliseconds(100));
    const auto t1 = steady_clock::now();
    cancel = true;
    waiting.join();
    EXPECT_LT(duration<double>(steady_clock::now() - t1).count(), 0.2);
    EXPECT_FALSE(got.has_value());
    t.finished();
    EXPECT_TRUE(t.acquire().has_value()) << "the slot is free again";
    t.finished();
}

// The 401 case (ApiClient): the worker in flight sets the cancel, then frees the slot. A worker
// waiting for the slot must not be admitted, also when no spacing is left to sleep out (the
// race that let a second 401 reach the CRM in CI).
TEST(RequestThrottleSpacing, ACancelSetBeforeTheSlotIsFreedAdmitsNobody) {
    using namespace std::chrono;
    for (double rps : {0.0, 1000.0}) {
        for (int round = 0; round < 20; ++round) {
            RequestThrottle t(rps);
            ASSERT_TRUE(t.acquire().has_value());
            std::atomic<bool> cancel{false};
            std::atomic<bool> waitingStarted{false};
            std::optional<double> got = 0.0;
            std::thread waiting([&] {
                waitingStarted = true;
                got = t.acquire(&cancel);
            });
            while (!waitingStarted) std::this_thread::yield();
            std::this_thread::sleep_for(milliseconds(5 + round % 7));
            cancel = true;
            // Past the interval, as after a real exchange: nothing is left to sleep out.
            std::this_thread::sleep_for(milliseconds(2));
            t.finished();
            waiting.join();
            EXPECT_FALSE(got.has_value()) << "admitted after the cancel, rps " << rps << " round "
                                          << round;
        }
    }
}
