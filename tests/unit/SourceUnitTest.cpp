#include <gtest/gtest.h>

#include "source/ApiError.hpp"
#include "source/PageEnvelope.hpp"
#include "source/RetryPolicy.hpp"
#include "common/Errors.hpp"

using namespace intouch;

TEST(ApiError, DescribesEveryProblem) {
    HttpResponse r;
    r.status = 400;
    r.reason = "Bad Request";
    r.body = R"({"ok":false,"status":400,"problems":[{"level":"SEVERE","field":"size","message":"too big"},{"level":"WARNING","message":"x"}]})";
    EXPECT_EQ(describeHttpFailure("GET /api/parties", r),
              "GET /api/parties: HTTP 400 Bad Request: SEVERE size: too big; WARNING: x");
}

TEST(ApiError, FallsBackToAShortExcerptOfHtml) {
    HttpResponse r;
    r.status = 502;
    r.body = "<html>\n  <body>Bad   gateway</body>\n</html>";
    EXPECT_EQ(describeHttpFailure("GET /x", r), "GET /x: HTTP 502: <html> <body>Bad gateway</body> </html>");
    r.body.clear();
    EXPECT_EQ(describeHttpFailure("GET /x", r), "GET /x: HTTP 502 (empty body)");
}

TEST(PageEnvelope, ParsesTotalPositionAndItems) {
    Page p = parsePageEnvelope(json::parse(R"({"total":360,"position":60,"size":20,"items":[{"id":1},{"id":2}]})"), "GET x");
    ASSERT_TRUE(p.total.has_value());
    EXPECT_EQ(*p.total, 360);
    EXPECT_EQ(p.position, 60);
    EXPECT_EQ(p.items.size(), 2u);
}

TEST(PageEnvelope, TotalIsOptional) {
    Page p = parsePageEnvelope(json::parse(R"({"items":[]})"), "GET x");
    EXPECT_FALSE(p.total.has_value());
}

TEST(PageEnvelope, RejectsNonEnvelopes) {
    EXPECT_THROW(parsePageEnvelope(json::parse("[]"), "GET x"), SourceError);
    EXPECT_THROW(parsePageEnvelope(json::parse(R"({"total":1})"), "GET x"), SourceError);
    EXPECT_THROW(parsePageEnvelope(json::parse(R"({"items":[1]})"), "GET x"), SourceError);
}

TEST(RetryAfter, ParsesSecondsAndHttpDates) {
    using namespace std::chrono;
    auto now = system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
    EXPECT_DOUBLE_EQ(*parseRetryAfter("120", now), 120.0);
    EXPECT_DOUBLE_EQ(*parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30.0);
    EXPECT_DOUBLE_EQ(*parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0.0);
    EXPECT_FALSE(parseRetryAfter("soon", now).has_value());
    EXPECT_FALSE(parseRetryAfter("", now).has_value());
}

