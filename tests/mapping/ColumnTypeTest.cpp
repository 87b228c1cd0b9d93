#include <gtest/gtest.h>

#include "mapping/ColumnType.hpp"
#include "mapping/Suggest.hpp"

using namespace intouch;

namespace {
ColumnType ok(const std::string& text) {
    std::string error;
    auto t = parseColumnType(text, error);
    EXPECT_TRUE(t.has_value()) << text << ": " << error;
    return t.value_or(ColumnType{});
}
std::string bad(const std::string& text) {
    std::string error;
    auto t = parseColumnType(text, error);
    EXPECT_FALSE(t.has_value()) << text;
    return error;
}
}  // namespace

TEST(ColumnType, EveryTypeHasItsPostgresSpelling) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"text", "text"},
        {"integer", "integer"},
        {"bigint", "bigint"},
        {"numeric", "numeric"},
        {"double", "double precision"},
        {"boolean", "boolean"},
        {"date", "date"},
        {"time", "time"},
        {"timestamp", "timestamp"},
        {"timestamptz", "timestamptz"},
        {"jsonb", "jsonb"},
        {"text[]", "text[]"},
        {"bigint[]", "bigint[]"},
    };
    for (const auto& [in, sql] : cases) EXPECT_EQ(ok(in).sql(), sql) << in;
    EXPECT_EQ(ok("double").name(), "double");
}

TEST(ColumnType, NumericWithPrecisionAndScale) {
    ColumnType t = ok("numeric(12,2)");
    EXPECT_EQ(t.kind, ColumnKind::Numeric);
    EXPECT_EQ(t.precision, 12);
    EXPECT_EQ(t.scale, 2);
    EXPECT_EQ(t.sql(), "numeric(12,2)");
    EXPECT_EQ(ok("numeric( 38 , 9 )").sql(), "numeric(38,9)");
    EXPECT_EQ(ok("numeric(5)").sql(), "numeric(5,0)");
    EXPECT_EQ(ok("numeric").precision, -1);
}

TEST(ColumnType, BadNumericSaysWhy) {
    EXPECT_EQ(bad("numeric(0,0)"),
              "bad type 'numeric(0,0)': precision 0 is outside 1..1000 — PostgreSQL numeric "
              "precision is 1 to 1000");
    EXPECT_EQ(bad("numeric(1001,2)"),
              "bad type 'numeric(1001,2)': precision 1001 is outside 1..1000 — PostgreSQL numeric "
              "precision is 1 to "
              "1000");
    EXPECT_EQ(bad("numeric(4,5)"),
              "bad type 'numeric(4,5)': scale 5 is larger than precision 4 — use a scale between 0 "
              "and the precision");
    EXPECT_EQ(
        bad("numeric(a,2)"),
        "bad type 'numeric(a,2)' — precision and scale must be whole numbers, e.g. numeric(14,2)");
    EXPECT_EQ(bad("numeric(12,-1)"),
              "bad type 'numeric(12,-1)' — precision and scale must be whole numbers, e.g. "
              "numeric(14,2)");
    EXPECT_EQ(
        bad("numeric[12,2]"),
        "bad type 'numeric[12,2]' — write numeric, numeric(p) or numeric(p,s), e.g. numeric(14,2)");
}

TEST(ColumnType, UnknownTypesGetAHint) {
    EXPECT_EQ(bad("bigin"), "unknown type 'bigin' — did you mean 'bigint'?");
    EXPECT_EQ(bad("timestamptzz"), "unknown type 'timestamptzz' — did you mean 'timestamptz'?");
    EXPECT_EQ(bad("int"), "unknown type 'int' — did you mean 'integer'?");
    EXPECT_EQ(bad("json"), "unknown type 'json' — did you mean 'jsonb'?");
    EXPECT_EQ(bad("datetime"), "unknown type 'datetime' — did you mean 'timestamptz'?");
    EXPECT_EQ(bad("blob"),
              "unknown type 'blob' — use one of: text, integer, bigint, numeric, double, boolean, "
              "date, time, "
              "timestamp, timestamptz, jsonb, text[], bigint[], numeric(p,s)");
    // Type names are case-sensitive, like every other word of the language.
    EXPECT_EQ(bad("TEXT"), "unknown type 'TEXT' — did you mean 'text'?");
}

TEST(Suggest, EditDistanceCountsTransposedLettersOnce) {
    EXPECT_EQ(editDistance("primary_key", "primary_key"), 0u);
    EXPECT_EQ(editDistance("primay_key", "primary_key"), 1u);
    EXPECT_EQ(editDistance("pirmary_key", "primary_key"), 1u);
    EXPECT_EQ(editDistance("", "abc"), 3u);
    EXPECT_EQ(closestMatch("colums", {"columns", "children"}), "columns");
    EXPECT_EQ(closestMatch("zzz", {"columns", "children"}), std::nullopt);
}
