#include <gtest/gtest.h>

#include "JsonWriter.h"

using namespace intouch::sim;

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
    std::string out;
    json::appendString(out, "a\"b\\c\nd\re\tf\x01g\x1fh\bi\fj");
    EXPECT_EQ(out, R"("a\"b\\c\nd\re\tf\u0001g\u001fh\bi\fj")");
}

TEST(JsonWriter, PassesUtf8Through) {
    EXPECT_EQ(json::quote("Dvořák 🚀 Ústí"), "\"Dvořák 🚀 Ústí\"");
    EXPECT_EQ(json::quote("</script>"), "\"</script>\"");
}

TEST(JsonWriter, DecimalsKeepExactlyTwoPlaces) {
    auto dec = [](int64_t cents) {
        std::string s;
        json::appendDecimal(s, cents);
        return s;
    };
    EXPECT_EQ(dec(1050000), "10500.00");
    EXPECT_EQ(dec(10050), "100.50");
    EXPECT_EQ(dec(5), "0.05");
    EXPECT_EQ(dec(0), "0.00");
    EXPECT_EQ(dec(-50), "-0.50");
    EXPECT_EQ(dec(-123456), "-1234.56");
    EXPECT_EQ(dec(INT64_MIN), "-92233720368547758.08");
}

TEST(JsonWriter, IntegersAreExact) {
    std::string s;
    json::appendInt(s, 1709630130000);
    s.push_back(' ');
    json::appendInt(s, -7);
    EXPECT_EQ(s, "1709630130000 -7");
}

TEST(JsonBuilder, PlacesCommasInNestedStructures) {
    JsonBuilder j;
    j.beginObject()
        .key("a")
        .num(1)
        .key("b")
        .beginArray()
        .num(1)
        .str("x")
        .null()
        .beginObject()
        .endObject()
        .endArray();
    j.key("c").boolean(true).key("d").decimal(1999).key("e").raw("[1,2]").endObject();
    EXPECT_EQ(j.text(), R"({"a":1,"b":[1,"x",null,{}],"c":true,"d":19.99,"e":[1,2]})");
}
