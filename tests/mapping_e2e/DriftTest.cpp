// Issue 4, "`check` compares each mapping with the live table and reports drift; `plan`
// prints the migration SQL that would make the database match the mappings".

#include <gtest/gtest.h>

#include <utility>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "FeatureMapping.hpp"

namespace intouch::e2e {
namespace {

TEST(Drift, CheckReportsDroppedAndRetypedColumnsAndPlanSqlRepairsThem) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    writeFeatureMappings(w);
    ASSERT_EQ(w.planAndMigrate("0002_feature_tables.sql"), "");
    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);

    // Someone edits the warehouse by hand (dropping the current views that read the
    // columns first, as PostgreSQL demands; migrate makes them again).
    pg::exec(w.dsn(),
             "DROP VIEW intouch.crm_parties_current, intouch.crm_parties_contacts_current, "
             "intouch.crm_parties_contact_json_current, intouch.crm_opportunities_current, "
             "intouch.crm_comm_current;"
             "ALTER TABLE intouch.crm_parties DROP COLUMN birthday;"
             "ALTER TABLE intouch.crm_parties ALTER COLUMN debit TYPE text;"
             "ALTER TABLE intouch.crm_parties_contacts DROP COLUMN value;"
             "DROP TABLE intouch.crm_parties_contact_json;"
             "ALTER TABLE intouch.crm_opportunities ALTER COLUMN amount TYPE numeric(12,2);"
             "ALTER TABLE intouch.crm_comm ALTER COLUMN contacted_time TYPE text;"
             // a column of the user's own is not drift: writes do not mind it
             "ALTER TABLE intouch.crm_parties ADD COLUMN my_note text;");

    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 2) << describe(check);
    const auto drift = linesStartingWith(check.stdoutText, "DRIFT");
    // (table, column, words the line must also hold: the types of a type change)
    const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
        {"crm_parties", {"birthday", "date"}},
        {"crm_parties", {"debit", "text", "integer"}},
        {"crm_parties_contacts", {"value"}},
        {"crm_parties_contact_json", {}},
        {"crm_opportunities", {"amount", "numeric(12,2)", "numeric(14,2)"}},
        {"crm_comm", {"contacted_time", "text", "time"}},
    };
    EXPECT_EQ(drift.size(), expected.size()) << check.stdoutText;
    for (const auto& [table, words] : expected) {
        bool found = false;
        for (const auto& line : drift) {
            bool all = contains(line, table + ".") || contains(line, "table " + table + " ");
            for (const auto& word : words) all = all && contains(line, word);
            // the child table's name contains the parent's: match the exact table
            if (table == "crm_parties" && contains(line, "crm_parties_")) all = false;
            found = found || all;
        }
        EXPECT_TRUE(found) << "no DRIFT line for " << table << " naming the change:\n" << check.stdoutText;
    }
    for (const auto& line : drift) EXPECT_FALSE(contains(line, "my_note")) << line;

    // plan's SQL, saved as the next migration, closes the gap.
    auto repair = w.run({"plan"});
    ASSERT_EQ(repair.exitCode, 0) << describe(repair);
    EXPECT_TRUE(contains(repair.stdoutText, "ALTER TABLE")) << repair.stdoutText;
    w.writeMigration("0003_repair.sql", repair.stdoutText);
    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    EXPECT_TRUE(contains(migrate.stdoutText, "0003_repair")) << migrate.stdoutText;

    auto recheck = w.run({"check"});
    EXPECT_EQ(recheck.exitCode, 0) << describe(recheck);
    EXPECT_TRUE(linesStartingWith(recheck.stdoutText, "DRIFT").empty()) << recheck.stdoutText;
    for (const auto& line : linesStartingWith(recheck.stdoutText, "note"))
        EXPECT_FALSE(contains(line, "view")) << "migrate made the views again: " << line;
    auto replan = w.run({"plan"});
    ASSERT_EQ(replan.exitCode, 0) << describe(replan);
    EXPECT_FALSE(contains(replan.stdoutText, "ALTER TABLE") || contains(replan.stdoutText, "CREATE TABLE"))
        << replan.stdoutText;
    // The user's column survived the repair.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'intouch' "
                           "AND table_name = 'crm_parties' AND column_name = 'my_note'"),
              1);

    // And the repaired tables take a full sync again, with every value where it belongs
    // (the re-added columns sit at the end now, so only values are compared, by name).
    auto refresh = w.run({"sync", "--full-refresh"});
    ASSERT_EQ(refresh.exitCode, 0) << describe(refresh);
    auto tables = expectedFeatureTables(loadSource(w), DateFormat::IsoOffset);
    for (auto& t : tables) t.setCheckLayout(false);
    auto diffs = compareAll(w, tables);
    EXPECT_TRUE(diffs.empty()) << joinLines(diffs);
}

// The other direction: `required: true` added to a column that already holds NULLs. Writes
// still work (the mapper never writes NULL there), so check only notes it; plan must not
// print a SET NOT NULL that is bound to fail and roll back the user's whole migration, but
// say which rows are in the way, and print it for real once they are gone.
TEST(Drift, AddingRequiredToAColumnHoldingNullsIsNotedAndPlanWaitsForTheNullsToGo) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", birthdayMapping(false));
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");
    ASSERT_EQ(w.run({"sync"}).exitCode, 0);
    const long nulls =
        w.scalarLong("SELECT count(*) FROM intouch.crm_parties WHERE birthday IS NULL");
    ASSERT_GT(nulls, 0);

    w.writeMapping("parties.yaml", birthdayMapping(true));
    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 0) << "a missing NOT NULL does not break writes\n" << describe(check);
    EXPECT_TRUE(linesStartingWith(check.stdoutText, "DRIFT").empty()) << check.stdoutText;
    bool noted = false;
    for (const auto& line : linesStartingWith(check.stdoutText, "note"))
        noted = noted || (contains(line, "crm_parties.birthday") && contains(line, "required") &&
                          contains(line, std::to_string(nulls) + " row(s) hold NULL"));
    EXPECT_TRUE(noted) << check.stdoutText;

    // While NULLs are there, the statement is only a comment: the migration applies, the
    // NULL rows are named, and nothing changes.
    auto waiting = w.run({"plan"});
    ASSERT_EQ(waiting.exitCode, 0) << describe(waiting);
    EXPECT_TRUE(contains(waiting.stdoutText,
                         "-- ALTER TABLE \"crm_parties\" ALTER COLUMN \"birthday\" SET NOT NULL;"))
        << waiting.stdoutText;
    EXPECT_TRUE(contains(waiting.stdoutText,
                         std::to_string(nulls) + " row(s) of crm_parties hold NULL in birthday"))
        << waiting.stdoutText;
    w.writeMigration("0003_noop.sql", waiting.stdoutText);
    ASSERT_EQ(w.run({"migrate"}).exitCode, 0);
    EXPECT_EQ(
        w.scalarLong(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'intouch.crm_parties'::regclass "
            "AND attname = 'birthday' AND attnotnull"),
        0);

    // The user clears the NULLs as the comment says; now plan's SQL sets the constraint.
    pg::exec(w.dsn(), "DELETE FROM intouch.crm_parties WHERE birthday IS NULL");
    auto ready = w.run({"plan"});
    ASSERT_EQ(ready.exitCode, 0) << describe(ready);
    bool active = false;
    for (const auto& line : linesStartingWith(ready.stdoutText, "ALTER TABLE"))
        active =
            active || line == "ALTER TABLE \"crm_parties\" ALTER COLUMN \"birthday\" SET NOT NULL;";
    EXPECT_TRUE(active) << ready.stdoutText;
    w.writeMigration("0004_birthday_not_null.sql", ready.stdoutText);
    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    EXPECT_EQ(
        w.scalarLong(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'intouch.crm_parties'::regclass "
            "AND attname = 'birthday' AND attnotnull"),
        1);
    auto recheck = w.run({"check"});
    EXPECT_EQ(recheck.exitCode, 0) << describe(recheck);
    EXPECT_TRUE(contains(recheck.stdoutText, "crm_parties: matches mapping")) << recheck.stdoutText;
}

}  // namespace
}  // namespace intouch::e2e
