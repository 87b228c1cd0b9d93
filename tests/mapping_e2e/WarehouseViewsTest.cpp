// Issue 16, items 1-3: the warehouse documents itself (COMMENT ON from the mappings'
// descriptions), decodes coded columns with the code lists, and shows the current rows in
// <table>_current views that `migrate` keeps in step and `check` compares. The shipped
// mappings and migrations are used, as a user gets them; expected labels come from the
// simulator's /_sim/dump, independently of the connector.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "E2eWorld.hpp"

namespace intouch::e2e {
namespace {

const fs::path kRepo = INTOUCH_SOURCE_DIR;

// The repository's mappings and migrations, as shipped.
void useShippedFiles(const E2eWorld& w) {
    for (const auto& e : fs::directory_iterator(kRepo / "mappings"))
        w.writeMapping(e.path().filename().string(), ts::readFile(e.path()));
    for (const auto& e : fs::directory_iterator(kRepo / "migrations"))
        w.writeMigration(e.path().filename().string(), ts::readFile(e.path()));
}

std::string text(const json::Value* v) {
    if (!v || v->isNull()) return "<null>";
    return v->isString() ? v->asString() : v->numberText();
}

// list id -> code -> label, from the simulator.
std::map<std::string, std::map<std::string, std::string>> codeLists(const E2eWorld& w) {
    std::map<std::string, std::map<std::string, std::string>> out;
    const json::Value dump = w.dump("lists");  // kept: the loop reads into it
    for (const auto& list : dump.items())
        if (const auto* items = list.find("items"); items && items->isArray())
            for (const auto& item : items->items())
                out[text(list.find("id"))][text(item.find("name"))] = text(item.find("value"));
    return out;
}

std::string labelOf(const std::map<std::string, std::string>& list, const std::string& code) {
    auto it = list.find(code);
    return it == list.end() ? "<null>" : it->second;
}

// id -> "country label / label|label|..." as parties_current should show them.
std::map<std::string, std::string> expectedLabels(const E2eWorld& w,
                                                  const std::set<std::string>& missing) {
    auto lists = codeLists(w);
    for (const auto& m : missing) lists[m.substr(0, m.find(':'))].erase(m.substr(m.find(':') + 1));
    std::map<std::string, std::string> out;
    const json::Value parties = w.dump("parties");
    for (const auto& p : parties.items()) {
        const std::string country = text(p.find("country"));
        std::string labels = "<none>";
        if (const auto* c = p.find("categories"); c && c->isString()) {
            labels.clear();
            std::istringstream in(c->asString());
            for (std::string code; std::getline(in, code, ',');)
                labels += (labels.empty() ? "" : "|") + labelOf(lists["categories"], code);
        }
        out[text(p.find("id"))] = (country == "<null>" ? country : labelOf(lists["countries"], country)) +
                                  " / " + labels;
    }
    return out;
}

std::map<std::string, std::string> viewLabels(const E2eWorld& w) {
    std::map<std::string, std::string> out;
    for (const auto& r : pg::queryRows(
             w.dsn(), "SELECT id, coalesce(country_label, '<null>') || ' / ' || "
                      "coalesce(array_to_string(categories_labels, '|', '<null>'), '<none>') "
                      "FROM intouch.parties_current"))
        out[*r[0]] = *r[1];
    return out;
}

std::string comment(const E2eWorld& w, const std::string& table, const std::string& column) {
    return pg::queryScalarText(
               w.dsn(), "SELECT col_description('intouch." + table + "'::regclass, attnum) FROM "
                        "pg_attribute WHERE attrelid = 'intouch." + table +
                            "'::regclass AND attname = '" + column + "'")
        .value_or("<none>");
}

TEST(WarehouseViews, MigrateDocumentsEveryTableAndColumnOfTheShippedMappings) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    useShippedFiles(w);
    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    EXPECT_FALSE(contains(migrate.stdoutText, "NOT updated")) << migrate.stdoutText;

    // Every column of every stream table and view, as \d+ shows them, has its comment.
    const auto undocumented = pg::queryRows(
        w.dsn(),
        "SELECT c.relname || '.' || coalesce(a.attname, '') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'intouch' "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "AND col_description(c.oid, a.attnum) IS NULL "
        "WHERE c.relkind IN ('r', 'v') AND c.relname NOT LIKE 'sync\\_%' "
        "AND c.relname <> 'schema_migrations' "
        "AND (a.attname IS NOT NULL OR obj_description(c.oid, 'pg_class') IS NULL)");
    std::string names;
    for (const auto& r : undocumented) names += *r[0] + " ";
    EXPECT_TRUE(undocumented.empty()) << "undocumented: " << names;
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM pg_views WHERE schemaname = 'intouch' AND "
                           "viewname LIKE '%\\_current'"),
              15)  // 11 streams and 4 child tables
        << migrate.stdoutText;

    // What the descriptions say: the Czech term translated, the codes and where they decode.
    EXPECT_TRUE(contains(comment(w, "parties", "dic"), "VAT id (DIČ")) << comment(w, "parties", "dic");
    const std::string categories = comment(w, "parties", "categories");
    EXPECT_TRUE(contains(categories, "c1..c64")) << categories;
    EXPECT_TRUE(contains(categories, "code list 'categories'")) << categories;
    EXPECT_TRUE(contains(categories, "parties_current.categories_labels")) << categories;
    EXPECT_TRUE(contains(comment(w, "parties_current", "categories_labels"), "Labels of the codes"));
    EXPECT_TRUE(contains(comment(w, "parties", "deleted_at"), "soft delete"));
    EXPECT_TRUE(contains(pg::queryScalarText(w.dsn(), "SELECT obj_description("
                                                      "'intouch.parties'::regclass, 'pg_class')")
                             .value_or(""),
                         "Contacts"));

    // A second migrate finds nothing to do.
    auto again = w.run({"migrate"});
    ASSERT_EQ(again.exitCode, 0) << describe(again);
    EXPECT_TRUE(contains(again.stdoutText, "0 comment(s) set, 0 view(s)")) << again.stdoutText;
}

TEST(WarehouseViews, CodesAndCodeSetsAreDecodedAndAMissingCodeLeavesTheRowWithANullLabel) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    useShippedFiles(w);
    ASSERT_EQ(w.run({"migrate"}).exitCode, 0);
    auto sync = w.run({"sync", "--stream", "lists", "--stream", "parties"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);

    const auto want = expectedLabels(w, {});
    ASSERT_EQ(viewLabels(w), want);
    long sets = 0;
    for (const auto& [id, labels] : want) sets += contains(labels, "|") ? 1 : 0;
    ASSERT_GT(sets, 0) << "the data must hold code sets of more than one code";

    // Codes the lists no longer hold: labels NULL (in place within a set), rows all there.
    pg::exec(w.dsn(), "DELETE FROM intouch.lists_items WHERE (parent_id = 'categories' AND "
                      "name = 'c2') OR (parent_id = 'countries' AND name = 'CZ')");
    const auto thinned = expectedLabels(w, {"categories:c2", "countries:CZ"});
    EXPECT_NE(thinned, want);
    EXPECT_EQ(viewLabels(w), thinned);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties_current"),
              static_cast<long>(want.size()));
    EXPECT_GT(w.scalarLong("SELECT count(*) FROM intouch.parties_current WHERE country = 'CZ' "
                           "AND country_label IS NULL"),
              0);
}

TEST(WarehouseViews, CurrentViewsLeaveOutRowsDeletedInTheCrmAndTheirChildRows) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    useShippedFiles(w);
    ASSERT_EQ(w.run({"migrate"}).exitCode, 0);
    ASSERT_EQ(w.run({"sync", "--stream", "lists", "--stream", "parties"}).exitCode, 0);
    const json::Value answer = w.mutate("stream=parties&deletes=7");
    ASSERT_EQ(answer.find("deleted")->items().size(), 7u);
    auto reconcile = w.run({"reconcile", "--stream", "parties"});
    ASSERT_EQ(reconcile.exitCode, 0) << describe(reconcile);

    std::set<std::string> crm, view;
    const json::Value parties = w.dump("parties");
    for (const auto& p : parties.items()) crm.insert(text(p.find("id")));
    for (const auto& r : pg::queryRows(w.dsn(), "SELECT id FROM intouch.parties_current"))
        view.insert(*r[0]);
    EXPECT_EQ(view, crm);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties WHERE deleted_at IS NOT NULL"), 7)
        << "the table keeps the deleted rows, marked";
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties_contacts_current c JOIN "
                           "intouch.parties p ON p.id = c.parent_id WHERE p.deleted_at IS NOT NULL"),
              0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.parties_contacts_current"),
              w.scalarLong("SELECT count(*) FROM intouch.parties_contacts c JOIN intouch.parties p "
                           "ON p.id = c.parent_id WHERE p.deleted_at IS NULL"));
}

TEST(WarehouseViews, CheckNotesStaleViewsAndCommentsAndMigrateBringsThemInStep) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    useShippedFiles(w);
    ASSERT_EQ(w.run({"migrate"}).exitCode, 0);

    // The mapping stops decoding country and says something new about city.
    std::string parties = ts::readFile(kRepo / "mappings" / "parties.yaml");
    const std::string decode = "type: text, decode: countries,";
    ASSERT_NE(parties.find(decode), std::string::npos);
    parties.replace(parties.find(decode), decode.size(), "type: text,");
    const std::string city = "City (obec) of the first address.";
    parties.replace(parties.find(city), city.size(), "Town of the first address.");
    w.writeMapping("parties.yaml", parties);

    auto check = w.run({"check"});
    bool staleView = false, staleComment = false;
    for (const auto& line : linesStartingWith(check.stdoutText, "note:")) {
        staleView = staleView || contains(line, "view parties_current is out of step");
        staleComment = staleComment || contains(line, "comment on parties.city ");
    }
    EXPECT_TRUE(staleView && staleComment) << describe(check);
    EXPECT_TRUE(linesStartingWith(check.stdoutText, "DRIFT").empty()) << check.stdoutText;

    auto plan = w.run({"plan"});
    EXPECT_TRUE(contains(plan.stdoutText,
                         "COMMENT ON COLUMN \"parties\".\"city\" IS 'Town of the first address.';"))
        << describe(plan);

    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    EXPECT_TRUE(contains(migrate.stdoutText, "view parties_current")) << migrate.stdoutText;
    EXPECT_EQ(comment(w, "parties", "city"), "Town of the first address.");
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                           "'intouch' AND table_name = 'parties_current' AND column_name IN "
                           "('country_label', 'country_m_label')"),
              1)
        << "country is no longer decoded, country_m still is";

    auto recheck = w.run({"check"});
    for (const auto& line : linesStartingWith(recheck.stdoutText, "note:"))
        EXPECT_FALSE(contains(line, "view") || contains(line, "comment")) << line;
}

}  // namespace
}  // namespace intouch::e2e
