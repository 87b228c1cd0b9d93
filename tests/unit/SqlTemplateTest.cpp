// SQL written whole with named holes: every hole filled, every value used.
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"

using namespace intouch;

TEST(SqlTemplate, FillsEveryHoleWithItsValueAsOftenAsItAppears) {
    EXPECT_EQ(fillSql("INSERT INTO {target} ({key}) SELECT {key} FROM {stage}",
                      {{"target", qualified("s", "t")}, {"key", identList({"id", "x"})}, {"stage", "\"st\""}}),
              R"(INSERT INTO "s"."t" ("id", "x") SELECT "id", "x" FROM "st")");
    EXPECT_EQ(fillSql("SELECT 1", {}), "SELECT 1");
    EXPECT_EQ(fillSql("{a}{b}", {{"a", "1"}, {"b", ""}}), "1");
}

TEST(SqlTemplate, AValueIsInsertedAsGivenNeverReadForHoles) {
    // The value's own braces (a quoted identifier may hold any text) are not holes.
    EXPECT_EQ(fillSql("SELECT {col}", {{"col", quoteIdent("{col}")}}), R"(SELECT "{col}")");
}

TEST(SqlTemplate, BracesThatAreNotHolesStayText) {
    EXPECT_EQ(fillSql("SELECT '{}', '{1,2}', '{A}' FROM {t}", {{"t", "x"}}),
              "SELECT '{}', '{1,2}', '{A}' FROM x");
}

TEST(SqlTemplate, AHoleWithoutAValueIsAnErrorNamingIt) {
    try {
        fillSql("DELETE FROM {target} WHERE {match}", {{"target", "t"}});
        FAIL() << "a hole without a value was filled";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("{match}"), std::string::npos) << e.what();
    }
}

TEST(SqlTemplate, AValueForNoHoleIsAnErrorNamingIt) {
    try {
        fillSql("DELETE FROM {target}", {{"target", "t"}, {"tagret", "u"}});
        FAIL() << "a value that fills no hole was accepted";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("tagret"), std::string::npos) << e.what();
    }
}
