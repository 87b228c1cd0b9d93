#include <gtest/gtest.h>

#include "FaultInjector.h"
#include "FaultResponses.h"

using namespace intouch::sim;

TEST(Faults, DrawsBelowTheProbabilityFire) {
    FaultKnobs k;
    k.p429 = 0.5;
    k.truncate = 0.5;
    k.slow = 0.1;
    EXPECT_EQ(decideFault(k, {0.9, 0.4, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9}).kind,
              FaultKind::TooManyRequests);
    EXPECT_EQ(decideFault(k, {0.9, 0.6, 0.9, 0.9, 0.9, 0.9, 0.9, 0.4}).kind, FaultKind::Truncate);
    EXPECT_EQ(decideFault(k, {0.9, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.6}).kind, FaultKind::None);
    EXPECT_TRUE(decideFault(k, {0.05, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9}).slow);
    EXPECT_FALSE(decideFault(k, {0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9}).slow);
}

TEST(Faults, ZeroProbabilityNeverFiresAndOneAlwaysDoes) {
    FaultInjector inj(1);
    FaultKnobs none;
    FaultKnobs always;
    always.empty = 1.0;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(inj.next(none).kind, FaultKind::None);
        EXPECT_EQ(inj.next(always).kind, FaultKind::EmptyBadGateway);
    }
}

TEST(Faults, SameSeedSameSequence) {
    FaultKnobs k;
    k.p500 = 0.3;
    k.drop = 0.3;
    FaultInjector a(99), b(99), c(100);
    int differences = 0;
    for (int i = 0; i < 200; ++i) {
        const auto x = a.next(k).kind;
        EXPECT_EQ(x, b.next(k).kind);
        differences += x != c.next(k).kind;
    }
    EXPECT_GT(differences, 0);
}

TEST(Faults, RetryAfterAsSecondsOrHttpDate) {
    FaultKnobs k;
    k.retryAfterSeconds = 3;
    auto r = faultResponse(FaultKind::TooManyRequests, k, 1719828930);
    EXPECT_EQ(r.status, 429);
    ASSERT_TRUE(r.header("Retry-After"));
    EXPECT_EQ(*r.header("Retry-After"), "3");
    k.retryAfterHttpDate = true;
    auto u = faultResponse(FaultKind::ServiceUnavailable, k, 1719828930);
    EXPECT_EQ(u.status, 503);
    EXPECT_EQ(*u.header("Retry-After"), "Mon, 01 Jul 2024 10:15:33 GMT");
}

TEST(Faults, ErrorPagesAreWhatTheReadmePromises) {
    FaultKnobs k;
    const auto html = faultResponse(FaultKind::HtmlError, k, 0);
    EXPECT_EQ(html.status, 500);
    EXPECT_EQ(html.contentType, "text/html; charset=utf-8");
    EXPECT_EQ(html.body.rfind("<!DOCTYPE html>", 0), 0u);
    const auto empty = faultResponse(FaultKind::EmptyBadGateway, k, 0);
    EXPECT_EQ(empty.status, 502);
    EXPECT_TRUE(empty.body.empty());
    EXPECT_TRUE(empty.contentType.empty());
    const auto json = faultResponse(FaultKind::ServerError, k, 0);
    EXPECT_EQ(json.body.rfind("{\"ok\":false,\"status\":500,", 0), 0u);
}

TEST(Faults, TruncationCutsAtACharacterBoundary) {
    const std::string body = "{\"a\":\"ššššššššššš\"}";  // multi-byte characters around the middle
    const std::string cut = truncateBody(body);
    EXPECT_LT(cut.size(), body.size());
    EXPECT_GT(cut.size(), 1u);
    EXPECT_EQ(body.compare(0, cut.size(), cut), 0);
    EXPECT_NE(static_cast<unsigned char>(body[cut.size()]) & 0xC0, 0x80);
    EXPECT_EQ(truncateBody("x"), "x");
}
