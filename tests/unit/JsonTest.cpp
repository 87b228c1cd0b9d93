#include <gtest/gtest.h>

#include "common/Json.hpp"

using namespace intouch;

TEST(Json, KeepsNumberTextExactly) {
    auto v = json::parse(R"({"price": 10500.00, "big": 12345678901234567890.123456789, "e": -1.5e3})");
    EXPECT_EQ(v.find("price")->numberText(), "10500.00");
    EXPECT_EQ(v.find("big")->numberText(), "12345678901234567890.123456789");
    EXPECT_EQ(v.find("e")->numberText(), "-1.5e3");
}

TEST(Json, KeepsMemberOrderAndRoundTrips) {
    const std::string text = R"({"z":1,"a":[true,false,null],"s":"Dvo\u0159\u00e1k \"q\" \\ \n"})";
    auto v = json::parse(text);
    ASSERT_EQ(v.members().size(), 3u);
    EXPECT_EQ(v.members()[0].first, "z");
    EXPECT_EQ(v.find("s")->asString(), "Dvořák \"q\" \\ \n");
    EXPECT_EQ(v.toJson(), R"({"z":1,"a":[true,false,null],"s":"Dvořák \"q\" \\ \n"})");
    EXPECT_EQ(json::parse(v.toJson()), v);
}

TEST(Json, DecodesSurrogatePairsToUtf8) {
    auto v = json::parse(R"("\ud83d\ude00")");
    EXPECT_EQ(v.asString(), "\xF0\x9F\x98\x80");
}

TEST(Json, ReplacesInvalidUtf8AndCountsIt) {
    std::string text = "\"a\xFF" "b\"";
    json::ParseStats stats;
    auto v = json::parse(text, &stats);
    EXPECT_EQ(v.asString(), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(stats.invalidUtf8Bytes, 1u);
}

TEST(Json, RejectsMalformedInputWithOffset) {
    try {
        json::parse(R"({"items": [1, 2)");
        FAIL() << "expected a parse error";
    } catch (const json::ParseError& e) {
        EXPECT_EQ(e.offset(), 15u);
        EXPECT_NE(std::string(e.what()).find("unterminated array"), std::string::npos);
    }
    EXPECT_THROW(json::parse("{} x"), json::ParseError);
    EXPECT_THROW(json::parse("01"), json::ParseError);
    EXPECT_THROW(json::parse(R"("\ud800")"), json::ParseError);
    EXPECT_THROW(json::parse("\"tab\there\""), json::ParseError);
}

TEST(Json, Int64ViewOnlyForIntegers) {
    std::int64_t n = 0;
    EXPECT_TRUE(json::parse("9223372036854775807").toInt64(n));
    EXPECT_EQ(n, INT64_MAX);
    EXPECT_FALSE(json::parse("9223372036854775808").toInt64(n));
    EXPECT_FALSE(json::parse("1.0").toInt64(n));
    EXPECT_FALSE(json::parse("\"1\"").toInt64(n));
}

TEST(Json, RefusesAbsurdNesting) {
    std::string deep(300, '[');
    deep += std::string(300, ']');
    EXPECT_THROW(json::parse(deep), json::ParseError);
}
