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

TEST(Json, CanonicalSpanOnlyWhenTheBytesAreTheCompactForm) {
    // A compact page: every object and array can be used as received.
    const std::string text =
        R"({"items":[{"id":1,"s":"a\"b\\c\n\u00e9x","n":-1.50e3,"t":true,"z":null},[]]})";
    const auto v = json::parse(text);
    const auto& items = v.find("items")->items();
    ASSERT_TRUE(items[1].canonicalSpan().has_value());
    EXPECT_EQ(items[1].canonicalText(text), "[]");
    // \u00e9 is written as the character by toJson(): not canonical, so neither is
    // anything around it.
    EXPECT_FALSE(items[0].canonicalSpan().has_value());
    EXPECT_FALSE(v.canonicalSpan().has_value());

    const std::string plain =
        R"({"id":1,"s":"a\"b\\c\n\té","n":-1.50e3,"a":[1,{}],"t":true,"z":null})";
    const auto p = json::parse(plain);
    EXPECT_EQ(p.canonicalText(plain), plain);
    EXPECT_EQ(p.canonicalText(plain), p.toJson());
    EXPECT_EQ(p.find("a")->canonicalText(plain), "[1,{}]");

    for (const std::string& other :
         {std::string(R"({"id": 1})"), std::string("{\"id\":1 }"), std::string(R"({"u":"a\/b"})"),
          std::string("{\"b\":\"\xFF\"}")}) {
        const auto o = json::parse(other);
        EXPECT_FALSE(o.canonicalSpan().has_value()) << other;
        EXPECT_EQ(o.canonicalText(other), "") << other;
    }
    // Values built in code, and texts too short for the span, give nothing.
    EXPECT_FALSE(json::Value::makeObject().canonicalSpan().has_value());
    EXPECT_EQ(p.canonicalText("{}"), "");
}

TEST(Json, ParsesManyAndNestedContainersIntact) {
    std::string text = "[";
    for (int i = 0; i < 300; ++i) {
        if (i) text += ",";
        text +=
            R"({"i":)" + std::to_string(i) + R"(,"a":[[1],[2,[3,{"k":[]}]]],"o":{"p":{"q":"r"}}})";
    }
    text += "]";
    const auto v = json::parse(text);
    ASSERT_EQ(v.items().size(), 300u);
    EXPECT_EQ(v.items()[299].find("i")->numberText(), "299");
    EXPECT_EQ(v.toJson(), text);
    EXPECT_EQ(v.canonicalText(text), text);
}

TEST(Json, SpansAndErrorOffsetsAfterRepairedBytesPointIntoTheTextAsReceived) {
    // Each bad byte becomes three bytes of U+FFFD in the text actually parsed;
    // offsets must still be those of the caller's text.
    const std::string text = "{\"a\":\"\xFF\xFE\",\"b\":{\"c\":[1,2]},\"d\":\"\xE2\x82\"}";
    json::ParseStats stats;
    const auto v = json::parse(text, &stats);
    EXPECT_EQ(stats.invalidUtf8Bytes, 4u);  // a truncated sequence: one per byte
    EXPECT_EQ(v.find("a")->asString(), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(v.find("d")->asString(), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(v.find("b")->canonicalText(text), R"({"c":[1,2]})");
    EXPECT_EQ(v.find("b")->find("c")->canonicalText(text), "[1,2]");
    EXPECT_FALSE(v.canonicalSpan().has_value());  // holds the replaced bytes

    try {
        json::parse("[\"\xFF\xFF\", tru]");
        FAIL() << "expected a parse error";
    } catch (const json::ParseError& e) {
        EXPECT_EQ(e.offset(), 7u);
        EXPECT_NE(std::string(e.what()).find("invalid literal"), std::string::npos);
    }
    // Outside a string a bad byte is not text to repair but a syntax error.
    EXPECT_THROW(json::parse("[1,\xFF]"), json::ParseError);
}

TEST(Json, KeepsDuplicateKeysInOrderAndFindsTheFirst) {
    const auto v = json::parse(R"({"k":1,"k":2})");
    ASSERT_EQ(v.members().size(), 2u);
    EXPECT_EQ(v.find("k")->numberText(), "1");
    EXPECT_EQ(v.members()[1].second.numberText(), "2");
    EXPECT_EQ(v.toJson(), R"({"k":1,"k":2})");
}

// appendJsonFrom copies the canonical parts of a value from its text and writes the rest:
// the bytes of toJson() for a parsed value, a copy of one, and one changed in place by code
// that forgets the spans of what it changed and of what holds it.
TEST(Json, AppendJsonFromTextGivesTheBytesOfToJson) {
    const std::string texts[] = {
        R"({"a":[1,{"b":"x"}],"c":{"d":null,"e":true},"f":"\u00e9\/","g":-1.50e+3})",
        "{ \"a\" : [ 1 , { \"b\" : \"x\" } ] , \"c\" : { } }",
        R"([{"k":1,"k":2},[],[[["deep"]]],"s\n\t\"q\""])",
        "\"just a string\"",
    };
    for (const std::string& text : texts) {
        const json::Value v = json::parse(text);
        std::string out;
        v.appendJsonFrom(out, text);
        EXPECT_EQ(out, v.toJson()) << text;
        const json::Value copy = v;
        out.clear();
        copy.appendJsonFrom(out, text);
        EXPECT_EQ(out, v.toJson()) << text;
        out.clear();
        v.appendJsonFrom(out, "");  // without the text: serialized throughout
        EXPECT_EQ(out, v.toJson()) << text;
    }
    const std::string text = texts[0];
    json::Value changed = json::parse(text);
    json::Value& inner = changed.members()[0].second.items()[1];
    inner.members()[0].second = json::Value::makeString("hidden");
    for (json::Value* holder : {&inner, &changed.members()[0].second, &changed})
        holder->forgetCanonicalSpan();
    std::string out;
    changed.appendJsonFrom(out, text);
    EXPECT_EQ(out, changed.toJson());
    EXPECT_NE(out.find("\"hidden\""), std::string::npos) << out;
    EXPECT_EQ(out.find("\"x\""), std::string::npos) << out;
    // The untouched sibling is still copied from the text.
    EXPECT_TRUE(changed.members()[1].second.canonicalSpan().has_value());
}

// The parser reserves each container from the size of the last one at its depth;
// containers larger and smaller than that, one page after another in one thread,
// come out whole and in order.
TEST(Json, ParsesContainersOfChangingSizesPageAfterPage) {
    const auto arrayOf = [](int n) {
        std::string text = "[";
        for (int i = 0; i < n; ++i) text += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
        return text + "]";
    };
    const auto objectOf = [&](int n) {
        std::string text = "{";
        for (int i = 0; i < n; ++i)
            text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + arrayOf(i % 4);
        return text + "}";
    };
    for (const int n : {3, 1500, 0, 1, 2000, 5, 2, 40, 41, 39, 1}) {
        const std::string text = "[" + arrayOf(n) + "," + objectOf(n) + "]";
        const json::Value v = json::parse(text);
        ASSERT_EQ(v.items().size(), 2u);
        const auto& items = v.items()[0].items();
        ASSERT_EQ(items.size(), static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) ASSERT_EQ(items[i].asString(), std::to_string(i));
        const auto& members = v.items()[1].members();
        ASSERT_EQ(members.size(), static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            ASSERT_EQ(members[i].first, "k" + std::to_string(i));
            ASSERT_EQ(members[i].second.items().size(), static_cast<std::size_t>(i % 4));
        }
        EXPECT_EQ(v.toJson(), text);
        EXPECT_EQ(v.canonicalText(text), text);
    }
}

// A value holds only the contents of its type: copies, moves and assignments
// between types, and from a value inside the one assigned to, keep the contents.
TEST(Json, CopiesMovesAndAssignsAcrossTypes) {
    const std::string text = R"({"a":[1,"two",{"b":null}],"s":"a string longer than sso","t":true})";
    const json::Value original = json::parse(text);
    json::Value copy = original;
    EXPECT_EQ(copy, original);
    EXPECT_EQ(copy.canonicalText(text), text);
    json::Value moved = std::move(copy);
    EXPECT_EQ(moved, original);

    json::Value v = original;
    v = v.members()[0].second;  // copy of a value inside v
    EXPECT_EQ(v.toJson(), R"([1,"two",{"b":null}])");
    v = std::move(v.items()[2]);  // move of a value inside v
    EXPECT_EQ(v.toJson(), R"({"b":null})");
    v = json::Value::makeString("now a string, long enough for the heap");
    EXPECT_EQ(v.asString(), "now a string, long enough for the heap");
    v = json::Value::makeNumber("-1.50");
    EXPECT_EQ(v.numberText(), "-1.50");
    v = json::Value::makeBool(false);
    EXPECT_FALSE(v.asBool());
    v = original;
    EXPECT_EQ(v, original);
    const json::Value& self = v;
    v = self;
    EXPECT_EQ(v, original);
    v = json::Value();
    EXPECT_TRUE(v.isNull());
    EXPECT_THROW(v.members(), std::logic_error);

    std::vector<json::Value> many;
    for (int i = 0; i < 100; ++i) many.push_back(original);  // regrowth moves them
    for (const auto& m : many) EXPECT_EQ(m, original);
}
