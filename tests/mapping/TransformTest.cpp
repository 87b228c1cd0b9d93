#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/Transform.hpp"

using namespace intouch;
using test::J;

namespace {
std::string apply(TransformKind k, const std::string& json) {
    json::Value v = J(json);
    applyTransform(k, v);
    return v.toJson();
}
}  // namespace

TEST(Transform, Names) {
    EXPECT_EQ(parseTransform("trim"), TransformKind::Trim);
    EXPECT_EQ(parseTransform("lower"), TransformKind::Lower);
    EXPECT_EQ(parseTransform("upper"), TransformKind::Upper);
    EXPECT_EQ(parseTransform("empty_to_null"), TransformKind::EmptyToNull);
    EXPECT_EQ(parseTransform("Trim"), std::nullopt);
    EXPECT_STREQ(transformName(TransformKind::EmptyToNull), "empty_to_null");
}

TEST(Transform, TrimRemovesUnicodeWhiteSpaceAtBothEnds) {
    EXPECT_EQ(apply(TransformKind::Trim, R"("  a b \t\n")"), R"("a b")");
    EXPECT_EQ(apply(TransformKind::Trim, "\"\u00A0Praha\u2003\""),
              R"("Praha")");  // no-break and em space
    EXPECT_EQ(apply(TransformKind::Trim, R"("   ")"), R"("")");
    EXPECT_EQ(apply(TransformKind::Trim, R"("žluťoučký")"), R"("žluťoučký")");
}

TEST(Transform, CaseMappingCoversCzechLetters) {
    EXPECT_EQ(apply(TransformKind::Lower, R"("Jan.NOVÁK@Firma.CZ")"), R"("jan.novák@firma.cz")");
    EXPECT_EQ(apply(TransformKind::Lower, R"("ŘÍČŠŽŤĎŇĚŮÚÝÁÉÓ")"), R"("říčšžťďňěůúýáéó")");
    EXPECT_EQ(apply(TransformKind::Upper, R"("příliš žluťoučký kůň")"),
              R"("PŘÍLIŠ ŽLUŤOUČKÝ KŮŇ")");
    EXPECT_EQ(apply(TransformKind::Upper, R"("łódź straße")"),
              R"("ŁÓDŹ STRAßE")");  // ß has no 1:1 capital
    EXPECT_EQ(apply(TransformKind::Lower, R"("ΑΒΓ АБВ")"), R"("αβγ абв")");
    EXPECT_EQ(apply(TransformKind::Lower, R"("🚚 X")"), R"("🚚 x")");
}

TEST(Transform, EmptyToNull) {
    EXPECT_EQ(apply(TransformKind::EmptyToNull, R"("")"), "null");
    EXPECT_EQ(apply(TransformKind::EmptyToNull, R"(" ")"), R"(" ")");
    EXPECT_EQ(apply(TransformKind::EmptyToNull, "0"), "0");
}

TEST(Transform, NonStringsPassThroughUnchanged) {
    for (auto k : {TransformKind::Trim, TransformKind::Lower, TransformKind::Upper,
                   TransformKind::EmptyToNull}) {
        EXPECT_EQ(apply(k, "12.50"), "12.50");
        EXPECT_EQ(apply(k, "true"), "true");
        EXPECT_EQ(apply(k, "null"), "null");
        EXPECT_EQ(apply(k, R"({"a":" X "})"), R"({"a":" X "})");
    }
}
