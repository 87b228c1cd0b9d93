// What `check` and `plan` say about nullability drift, without a database: the e2e tests
// (tests/mapping_e2e/DriftTest.cpp) find the drift in a live table, these pin the words and
// the SQL for every case, including a required column that plan has to re-add.

#include <gtest/gtest.h>

#include "mapping/MappingSpec.hpp"
#include "sink/SchemaDrift.hpp"

using namespace intouch;

namespace {

DriftItem drift(DriftItem::Kind kind, const std::string& column, long long nullRows = 0) {
    DriftItem d{kind, "crm_parties", column, "date", "date"};
    d.nullRows = nullRows;
    return d;
}

}  // namespace

TEST(SchemaDrift, NotNullTheMappingNoLongerWantsBreaksWritesAndIsDropped) {
    const DriftItem d = drift(DriftItem::Kind::UnexpectedNotNull, "birthday");
    EXPECT_TRUE(d.breaksWrites());
    EXPECT_EQ(d.describe(),
              "column crm_parties.birthday is NOT NULL, the mapping allows NULL (no `required: "
              "true`): a record "
              "without birthday would fail its whole page");
    EXPECT_EQ(planMigrationSql(StreamSpec{}, {d}),
              "ALTER TABLE \"crm_parties\" ALTER COLUMN \"birthday\" DROP NOT NULL;\n");
}

TEST(SchemaDrift, MissingNotNullIsSetWhenNoRowHoldsNull) {
    const DriftItem d = drift(DriftItem::Kind::MissingNotNull, "birthday");
    EXPECT_FALSE(d.breaksWrites());
    EXPECT_EQ(d.describe(),
              "column crm_parties.birthday allows NULL, the mapping says `required: true` (NOT "
              "NULL) (writes are "
              "not affected)");
    EXPECT_EQ(planMigrationSql(StreamSpec{}, {d}),
              "-- fails, rolling back this migration, if rows hold NULL in birthday by the time it "
              "runs: fill or "
              "delete them first\n"
              "ALTER TABLE \"crm_parties\" ALTER COLUMN \"birthday\" SET NOT NULL;\n");
}

TEST(SchemaDrift, MissingNotNullStaysACommentWhileRowsHoldNull) {
    const DriftItem d = drift(DriftItem::Kind::MissingNotNull, "birthday", 7);
    EXPECT_EQ(d.describe(),
              "column crm_parties.birthday allows NULL, the mapping says `required: true` (NOT "
              "NULL); 7 row(s) hold "
              "NULL there (writes are not affected)");
    EXPECT_EQ(planMigrationSql(StreamSpec{}, {d}),
              "-- 7 row(s) of crm_parties hold NULL in birthday, so SET NOT NULL would fail and "
              "roll back this "
              "migration: fill or delete them (SELECT * FROM \"crm_parties\" WHERE \"birthday\" IS "
              "NULL), then run "
              "`plan` again\n"
              "-- ALTER TABLE \"crm_parties\" ALTER COLUMN \"birthday\" SET NOT NULL;\n");
}

TEST(SchemaDrift, ARequiredColumnIsReAddedNullableWithAWordOnTheConstraint) {
    DriftItem d{DriftItem::Kind::MissingColumn, "crm_parties", "birthday", "date", ""};
    d.expectedNotNull = true;
    EXPECT_TRUE(d.breaksWrites());
    EXPECT_EQ(planMigrationSql(StreamSpec{}, {d}),
              "ALTER TABLE \"crm_parties\" ADD COLUMN \"birthday\" date;\n"
              "-- birthday is `required: true` but starts out NULL in existing rows: after a `sync "
              "--full-refresh` "
              "has filled it, `plan` prints the SET NOT NULL\n");
    d.expectedNotNull = false;
    EXPECT_EQ(planMigrationSql(StreamSpec{}, {d}),
              "ALTER TABLE \"crm_parties\" ADD COLUMN \"birthday\" date;\n");
}
