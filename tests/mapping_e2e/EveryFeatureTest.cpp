// Issue 4, "a mapping using every feature syncs from the simulator into PostgreSQL and the
// rows equal the expected values": the test's own mapping set (FeatureMapping.cpp) is turned
// into a migration by `intouch-sync plan` on a fresh database, applied by `migrate`, synced,
// and every column of every row of every table is compared with values computed from the
// simulator's records -- in each of the three date-time forms the simulator can write.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "FeatureMapping.hpp"

namespace intouch::e2e {
namespace {

class EveryFeature : public ::testing::TestWithParam<DateFormat> {};

bool isString(const json::Value* v) {
    return v && v->isString();
}

// Guards: the simulator's data must exercise what the comparison claims to prove (if the
// generator changed so that, say, no party lacked customFields, the test would pass without
// proving rule 2 of `extra`).
void expectDataExercisesTheMapping(const SourceData& d, DateFormat f) {
    const json::Value& p = d.parties;
    auto typeIs = [](const char* t) {
        return [t](const json::Value& r) { return stringOr(member(&r, "type")) == t; };
    };
    EXPECT_GT(countIf(p, typeIs("ORGANIZATION")), 0);
    EXPECT_GT(countIf(p, typeIs("INDIVIDUAL")), 0);
    EXPECT_GT(countIf(p, typeIs("ANONYMOUS")), 0) << "the map's `~` then default";
    EXPECT_GT(countIf(p, typeIs("FREELANCER")), 0) << "a value not in the map";
    EXPECT_GT(countIf(p, [](const json::Value& r) { return !member(&r, "customFields"); }), 0);
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const json::Value* cf1 = member(member(&r, "customFields"), "cf_1");
                          return cf1 && cf1->isNull();
                      }),
              0)
        << "a path ending at null";
    EXPECT_GT(countIf(p, [](const json::Value& r) { return member(member(&r, "customFields"), "cf_3"); }), 0);
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const json::Value* cf = member(&r, "customFields");
                          return cf && !member(cf, "cf_3");
                      }),
              0)
        << "customFields emptied by cf_1 and cf_2";
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const json::Value* c = member(&r, "contacts");
                          return c && c->isArray() && c->items().empty();
                      }),
              0)
        << "an empty contacts array";
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const json::Value* c = member(&r, "contacts");
                          const json::Value* e = firstWhere(c, "type", "EMAIL");
                          return e && e != element(c, 0);
                      }),
              0)
        << "an EMAIL contact that is not the first one";
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const json::Value* c = member(&r, "contacts");
                          return element(c, 0) && !firstWhere(c, "type", "EMAIL");
                      }),
              0)
        << "contacts without an EMAIL (the filter matches nothing)";
    EXPECT_GT(countIf(p, [](const json::Value& r) { return firstWhere(member(&r, "contacts"), "type", "PHONE"); }),
              0);
    EXPECT_GT(countIf(p, [](const json::Value& r) { return !isString(member(&r, "birthday")); }), 0);
    EXPECT_GT(countIf(p, [](const json::Value& r) { return isString(member(&r, "birthday")); }), 0);
    EXPECT_GT(countIf(p, [](const json::Value& r) { return !isString(member(&r, "cityM")); }), 0);
    EXPECT_GT(countIf(p,
                      [](const json::Value& r) {
                          const std::string n = stringOr(member(&r, "name"));
                          return n != lowered(n) && n.find_first_of("\xC3\xC4\xC5") != std::string::npos;
                      }),
              0)
        << "names with upper-case letters beyond ASCII";

    // The repeated autumn hour of Europe/Prague (2024-10-27 02:00-03:00 local) happens twice:
    // in the forms that can say which pass is meant, both passes are in the data and must
    // land as two different instants.
    auto modifiedIs = [](const std::string& text) {
        return [text](const json::Value& r) {
            const json::Value* m = member(&r, "modified");
            return m && (m->isString() ? m->asString() == text : m->numberText() == text);
        };
    };
    if (f == DateFormat::IsoOffset) {
        EXPECT_GT(countIf(p, modifiedIs("2024-10-27T02:30:00+02:00")), 0);
        EXPECT_GT(countIf(p, modifiedIs("2024-10-27T02:30:00+01:00")), 0);
        EXPECT_GT(countIf(p, modifiedIs("2024-03-31T03:00:00+02:00")), 0);
    } else if (f == DateFormat::EpochMs) {
        EXPECT_GT(countIf(p, modifiedIs("1729989000000")), 0);  // 2024-10-27T00:30:00Z
        EXPECT_GT(countIf(p, modifiedIs("1729992600000")), 0);  // 2024-10-27T01:30:00Z
    } else {
        EXPECT_GT(countIf(p, modifiedIs("2024-03-31T03:00:00")), 0);  // first second after the gap
        EXPECT_GT(countIf(p, modifiedIs("2024-10-27T01:59:59")), 0);  // last second before the repeat
    }

    auto probabilityIs = [](const char* v) {
        return [v](const json::Value& r) {
            const json::Value* m = member(&r, "probability");
            return m && m->isNumber() && m->numberText() == v;
        };
    };
    EXPECT_GT(countIf(d.opportunities, probabilityIs("0")), 0);
    EXPECT_GT(countIf(d.opportunities, probabilityIs("100")), 0);
    EXPECT_GT(countIf(d.opportunities, probabilityIs("50")), 0);
    EXPECT_GT(countIf(d.opportunities, [](const json::Value& r) { return stringOr(member(&r, "currency")) == "EUR"; }), 0);
    EXPECT_GT(countIf(d.opportunities,
                      [](const json::Value& r) {
                          const json::Value* a = member(&r, "amount");
                          const std::string t = a ? a->numberText() : "";
                          return t.size() > 1 && t.back() >= '5';
                      }),
              0)
        << "amounts that numeric(10,1) rounds up";
    EXPECT_GT(countIf(d.comm, [](const json::Value& r) { return isString(member(&r, "contactedTime")); }), 0);
    EXPECT_GT(countIf(d.comm, [](const json::Value& r) { return !isString(member(&r, "contactedTime")); }), 0);
    EXPECT_GT(countIf(d.comm, [](const json::Value& r) { return stringOr(member(&r, "contactType")) == "TEL"; }), 0);
    EXPECT_GT(countIf(d.members, [](const json::Value& r) { const json::Value* v = member(&r, "forContact"); return v && v->isBool(); }), 0);
    EXPECT_GT(countIf(d.members, [](const json::Value& r) { const json::Value* v = member(&r, "forContact"); return !v || v->isNull(); }), 0);
    EXPECT_GT(d.serviceCases.items().size(), 0u);
}

TEST_P(EveryFeature, PlanMigrateSyncThenEveryColumnOfEveryRowEqualsTheSource) {
    INTOUCH_REQUIRE_SIMULATOR();
    const DateFormat f = GetParam();
    E2eWorld w(f);
    writeFeatureMappings(w);

    // plan on a fresh database: CREATE TABLE for every table, and nothing written.
    auto plan = w.run({"plan"});
    ASSERT_EQ(plan.exitCode, 0) << describe(plan);
    for (const auto& table : featureTables())
        EXPECT_TRUE(std::regex_search(plan.stdoutText,
                                      std::regex("CREATE TABLE (IF NOT EXISTS )?\"?" + table + "\"? \\(")))
            << "plan has no CREATE TABLE for " << table << "\n" << plan.stdoutText;
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'intouch'"), 0)
        << "plan must only print";
    w.writeMigration("0002_feature_tables.sql", plan.stdoutText);

    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_TRUE(contains(sync.stdoutText, " 0 rejected")) << sync.stdoutText;

    // The migration plan produced is what the mappings want: check finds no drift.
    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 0) << describe(check);
    EXPECT_TRUE(linesStartingWith(check.stdoutText, "DRIFT").empty()) << check.stdoutText;

    const SourceData before = loadSource(w);
    expectDataExercisesTheMapping(before, f);
    auto diffs = compareAll(w, expectedFeatureTables(before, f));
    EXPECT_TRUE(diffs.empty()) << joinLines(diffs);

    // Edits and inserts: the next incremental sync upserts them, and each upserted parent's
    // child rows are replaced (fewer contacts than before must leave no stale rows).
    w.mutate("stream=parties&edits=80&inserts=5");
    w.mutate("stream=opportunities&edits=30&inserts=3");
    w.mutate("stream=members&edits=10&inserts=2&deletes=2");
    const SourceData after = loadSource(w);
    long contactsChanged = 0;
    long contactsShrank = 0;
    for (const auto& r : after.parties.items()) {
        for (const auto& old : before.parties.items()) {
            if (!(*member(&old, "id") == *member(&r, "id"))) continue;
            const json::Value* a = member(&r, "contacts");
            const json::Value* b = member(&old, "contacts");
            if (!(*a == *b)) ++contactsChanged;
            if (a->items().size() < b->items().size()) ++contactsShrank;
        }
    }
    ASSERT_GT(contactsShrank, 0) << "the mutations must remove contacts of some party (" << contactsChanged
                                 << " changed)";

    auto sync2 = w.run({"sync"});
    ASSERT_EQ(sync2.exitCode, 0) << describe(sync2);
    diffs = compareAll(w, expectedFeatureTables(after, f));
    EXPECT_TRUE(diffs.empty()) << "after edits:\n" << joinLines(diffs);
}

INSTANTIATE_TEST_SUITE_P(DateTimeForms, EveryFeature,
                         ::testing::Values(DateFormat::IsoOffset, DateFormat::IsoLocal, DateFormat::EpochMs),
                         [](const ::testing::TestParamInfo<DateFormat>& info) {
                             std::string name = formatName(info.param);
                             for (char& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

}  // namespace
}  // namespace intouch::e2e
