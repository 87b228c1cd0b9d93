#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/JsonPath.hpp"

using namespace intouch;
using test::J;

namespace {
const json::Value kRecord = J(R"({
  "id": 7, "name": "Alfa", "a": {"b": {"c": "deep"}},
  "contacts": [
    {"type": "PHONE", "value": "+420 1", "primary": true},
    {"type": "EMAIL", "value": "x@alfa.cz", "primary": false},
    {"type": "EMAIL", "value": "y@alfa.cz", "primary": true}
  ],
  "nums": [{"k": 1, "v": "one"}, {"k": 1.0, "v": "one-point-zero"}, {"k": true, "v": "yes"}],
  "cf.1": {"x": "dotted"}, "nul": null, "s": "text"
})");

std::string at(const std::string& path, const json::Value& root = kRecord) {
    const json::Value* v = JsonPath::parse(path).find(root);
    return v ? v->toJson() : "(missing)";
}

std::string syntax(const std::string& path) {
    try {
        JsonPath::parse(path);
    } catch (const PathSyntaxError& e) {
        return std::to_string(e.offset()) + ": " + e.what();
    }
    return "(no error)";
}
}  // namespace

TEST(JsonPath, KeysAndNestedObjects) {
    EXPECT_EQ(at("id"), "7");
    EXPECT_EQ(at("a.b.c"), R"("deep")");
    EXPECT_EQ(at("a.b"), R"({"c":"deep"})");
    EXPECT_EQ(at("a.x"), "(missing)");
    EXPECT_EQ(at("s.x"), "(missing)");  // a step into a string
    EXPECT_EQ(at("nul"), "null");
    EXPECT_EQ(at("nul.x"), "(missing)");
}

TEST(JsonPath, ArrayIndex) {
    EXPECT_EQ(at("contacts[0].value"), R"("+420 1")");
    EXPECT_EQ(at("contacts[2].primary"), "true");
    EXPECT_EQ(at("contacts[3].value"), "(missing)");
    EXPECT_EQ(at("a[0]"), "(missing)");  // not an array
    EXPECT_EQ(at("$[1]", J(R"(["a","b"])")), R"("b")");
}

TEST(JsonPath, FilterTakesTheFirstMatchingElement) {
    EXPECT_EQ(at("contacts[type=EMAIL].value"), R"("x@alfa.cz")");
    EXPECT_EQ(at("contacts[type=FAX].value"), "(missing)");
    EXPECT_EQ(at("contacts[primary=true].type"), R"("PHONE")");
    // Numbers compare by their JSON text: 1 and 1.0 are different literals.
    EXPECT_EQ(at("nums[k=1].v"), R"("one")");
    EXPECT_EQ(at("nums[k=1.0].v"), R"("one-point-zero")");
    EXPECT_EQ(at("nums[k=true].v"), R"("yes")");
    EXPECT_EQ(at(R"(contacts[type="EMAIL"].value)"), R"("x@alfa.cz")");
    EXPECT_EQ(at("name[type=EMAIL]"), "(missing)");
}

TEST(JsonPath, QuotedKeysMayContainDots) {
    EXPECT_EQ(at(R"("cf.1".x)"), R"("dotted")");
    EXPECT_EQ(at("cf.1.x"), "(missing)");
    EXPECT_EQ(at(R"($."cf.1")"), R"({"x":"dotted"})");
    EXPECT_EQ(at(R"("q\"uote")", J(R"({"q\"uote": 1})")), "1");
}

TEST(JsonPath, DollarIsTheElementItself) {
    const JsonPath self = JsonPath::parse("$");
    EXPECT_TRUE(self.isSelf());
    EXPECT_EQ(at("$", J(R"("scalar")")), R"("scalar")");
    EXPECT_EQ(at("$.name"), R"("Alfa")");
    EXPECT_FALSE(JsonPath::parse("name").isSelf());
}

TEST(JsonPath, SyntaxErrorsNameThePosition) {
    EXPECT_EQ(syntax(""), "0: empty path");
    EXPECT_EQ(syntax("a..b"), "2: expected a field name before '.'");
    EXPECT_EQ(syntax("a."), "2: path ends where a field name is expected");
    EXPECT_EQ(syntax(".a"), "0: expected a field name before '.'");
    EXPECT_EQ(syntax("a[0"), "3: expected ']' after the array index");
    EXPECT_EQ(syntax("a[type=EMAIL"), "1: unterminated '['");
    EXPECT_EQ(syntax("a[]"), "1: expected [number] or [field=value] inside brackets");
    EXPECT_EQ(syntax("a[type]"), "1: expected [number] or [field=value] inside brackets");
    EXPECT_EQ(syntax("a[type=]"),
              "7: empty filter value (write [field=\"\"] to match an empty string)");
    EXPECT_EQ(syntax("a[-1]"), "1: expected [number] or [field=value] inside brackets");
    EXPECT_EQ(syntax("a]"), "1: unexpected ']'");
    EXPECT_EQ(syntax(R"("abc)"), "0: unterminated quoted name");
    EXPECT_EQ(syntax("$x"), "1: expected '.' or '[' after '$'");
    EXPECT_EQ(syntax("a[0]b"), "4: unexpected 'b'");
}

TEST(JsonPath, ResolveRecordsTheStepsTaken) {
    std::vector<ResolvedStep> steps;
    ASSERT_TRUE(JsonPath::parse("contacts[type=EMAIL].value").resolve(kRecord, steps));
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].key, "contacts");
    EXPECT_TRUE(steps[1].isIndex);
    EXPECT_EQ(steps[1].index, 1u);  // the filter's match
    EXPECT_EQ(steps[2].key, "value");
    // Stops at a null on the way: the null itself is what the column reads.
    ASSERT_TRUE(JsonPath::parse("nul.x.y").resolve(kRecord, steps));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].key, "nul");
    EXPECT_FALSE(JsonPath::parse("contacts[type=FAX].value").resolve(kRecord, steps));
    EXPECT_FALSE(JsonPath::parse("s.x").resolve(kRecord, steps));
    ASSERT_TRUE(JsonPath::parse("$").resolve(kRecord, steps));
    EXPECT_TRUE(steps.empty());
}
