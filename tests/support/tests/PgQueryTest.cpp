#include <gtest/gtest.h>

#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"

using namespace intouch::testsupport;

class PgQueryTest : public ::testing::Test {
  protected:
    TestDatabase db = SharedPostgres::freshDatabase();
};

TEST_F(PgQueryTest, ScalarConversions) {
    EXPECT_EQ(pg::queryScalar<int>(db.dsn, "SELECT 42"), 42);
    EXPECT_EQ(pg::queryScalar<long long>(db.dsn, "SELECT 9007199254740993::bigint"),
              9007199254740993LL);
    EXPECT_DOUBLE_EQ(pg::queryScalar<double>(db.dsn, "SELECT 2.5::float8"), 2.5);
    EXPECT_TRUE(pg::queryScalar<bool>(db.dsn, "SELECT true"));
    EXPECT_FALSE(pg::queryScalar<bool>(db.dsn, "SELECT 1 = 2"));
    EXPECT_EQ(pg::queryScalar<std::string>(db.dsn, "SELECT 10500.00::numeric(12,2)"), "10500.00");
    EXPECT_EQ(pg::queryScalar<std::optional<int>>(db.dsn, "SELECT NULL::int"), std::nullopt);
    EXPECT_EQ(pg::queryScalar<std::optional<int>>(db.dsn, "SELECT 7"), 7);
}

TEST_F(PgQueryTest, ScalarRejectsNullWrongShapeAndBadText) {
    EXPECT_THROW(pg::queryScalar<int>(db.dsn, "SELECT NULL::int"), std::runtime_error);
    EXPECT_THROW(pg::queryScalar<int>(db.dsn, "SELECT 1, 2"), std::runtime_error);
    EXPECT_THROW(pg::queryScalar<int>(db.dsn, "SELECT 1 WHERE false"), std::runtime_error);
    EXPECT_THROW(pg::queryScalar<int>(db.dsn, "SELECT 'abc'"), std::runtime_error);
}

TEST_F(PgQueryTest, RowsKeepNullsApartFromEmptyStrings) {
    pg::exec(db.dsn,
             "CREATE TABLE t (id int, note text);"
             "INSERT INTO t VALUES (1, 'Dvořák'), (2, NULL), (3, '')");
    pg::Rows rows = pg::queryRows(db.dsn, "SELECT id, note FROM t ORDER BY id");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (pg::Row{"1", "Dvořák"}));
    EXPECT_EQ(rows[1], (pg::Row{"2", std::nullopt}));
    EXPECT_EQ(rows[2], (pg::Row{"3", ""}));
}

TEST_F(PgQueryTest, ExecRunsOutsideTransactionBlocks) {
    // CREATE DATABASE is refused inside BEGIN; exec must be autocommit.
    pg::exec(db.dsn, "CREATE DATABASE pgquery_autocommit_probe");
    pg::exec(db.dsn, "DROP DATABASE pgquery_autocommit_probe");
    EXPECT_ANY_THROW(pg::exec(db.dsn, "SELECT * FROM no_such_table"));
}
