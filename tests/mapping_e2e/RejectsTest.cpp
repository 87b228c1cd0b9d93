// Issue 4, "a bad record lands in rejects while the rest commit", and "a later successful
// version of the same record clears its reject".

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "FeatureMapping.hpp"

namespace intouch::e2e {
namespace {

// `map_strict` makes every party whose type is not in the map a reject; removing it later
// fixes the mapping without changing the table (same columns, same types, same NOT NULLs).
std::string strictMapping(bool strict) {
    return std::string(R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: kind, source: type, type: text, map: {ORGANIZATION: org, INDIVIDUAL: person})YAML") +
           (strict ? ", map_strict: true" : "") + R"YAML(}
  - {name: name, source: name, type: text}
  - {name: modified, source: modified, type: timestamptz, required: true}
children:
  - table: crm_parties_contacts
    source: contacts
    columns:
      - {name: value, source: value, type: text}
)YAML";
}

bool strictMapAccepts(const json::Value& r) {
    const std::string t = stringOr(member(&r, "type"));
    return t == "ORGANIZATION" || t == "INDIVIDUAL";
}

std::int64_t idOf(const json::Value& r) {
    std::int64_t id = 0;
    if (!member(&r, "id") || !member(&r, "id")->toInt64(id)) throw std::runtime_error("record without id");
    return id;
}

// Expected crm_parties and crm_parties_contacts for the records whose id is in `ids`.
std::vector<ExpectedTable> expectedTables(const json::Value& parties, const std::set<std::int64_t>& ids) {
    ExpectedTable main("crm_parties",
                       {{"id", "bigint NOT NULL"},
                        {"kind", "text"},
                        {"name", "text"},
                        {"modified", "timestamptz NOT NULL"},
                        {"extra", "jsonb"},
                        {"record_hash", "text NOT NULL"}},
                       {"id"}, {"synced_at", "deleted_at"});
    ExpectedTable children("crm_parties_contacts",
                           {{"parent_id", "bigint NOT NULL"},
                            {"idx", "integer NOT NULL"},
                            {"value", "text"},
                            {"extra", "jsonb"}},
                           {"parent_id", "idx"});
    for (const auto& r : parties.items()) {
        if (!ids.count(idOf(r))) continue;
        const std::string t = stringOr(member(&r, "type"));
        json::Value extra = r;
        eraseMembers(extra, {"id", "type", "name", "modified", "contacts"});
        main.addRow({numberOf(member(&r, "id"), "bigint"),
                     t == "ORGANIZATION" ? quote("org") : t == "INDIVIDUAL" ? quote("person") : quote(t),
                     textOf(member(&r, "name")), instantOf(member(&r, "modified"), DateFormat::IsoOffset),
                     jsonbOrNullIfEmpty(extra), md5Of(r)});
        const json::Value* contacts = member(&r, "contacts");
        for (std::size_t i = 0; contacts && i < contacts->items().size(); ++i) {
            json::Value childExtra = contacts->items()[i];
            eraseMembers(childExtra, {"value"});
            children.addRow({numberOf(member(&r, "id"), "bigint"), std::to_string(i),
                             textOf(member(&contacts->items()[i], "value")), jsonbOrNullIfEmpty(childExtra)});
        }
    }
    return {std::move(main), std::move(children)};
}

std::set<std::int64_t> idsWhere(const json::Value& records, bool (*pred)(const json::Value&)) {
    std::set<std::int64_t> out;
    for (const auto& r : records.items())
        if (pred(r)) out.insert(idOf(r));
    return out;
}

std::set<std::int64_t> allIds(const json::Value& records) {
    return idsWhere(records, [](const json::Value&) { return true; });
}

std::set<std::string> keysOf(const std::set<std::int64_t>& ids) {
    std::set<std::string> out;
    for (auto id : ids) out.insert("id=" + std::to_string(id));
    return out;
}

std::set<std::string> rejectKeys(const E2eWorld& w, const std::string& stream) {
    std::set<std::string> out;
    for (const auto& r : pg::queryRows(w.dsn(), "SELECT record_key FROM intouch.sync_rejects WHERE stream = " +
                                                    quote(stream)))
        out.insert(r[0].value_or("<NULL>"));
    return out;
}

std::string describeSet(const std::set<std::string>& s) {
    std::string out;
    for (const auto& k : s) out += (out.empty() ? "" : " ") + k;
    return "{" + out + "}";
}

// "run N: U upserted, D deleted, R rejected" of the sync summary.
std::pair<long, long> upsertedAndRejected(const std::string& stdoutText) {
    std::smatch m;
    if (!std::regex_search(stdoutText, m, std::regex(R"((\d+) upserted, \d+ deleted, (\d+) rejected)")))
        return {-1, -1};
    return {std::stol(m[1]), std::stol(m[2])};
}

TEST(Rejects, BadRecordsGoToSyncRejectsWhileTheRestCommitAndALaterGoodVersionClearsThem) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", strictMapping(true));
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");

    const json::Value first = w.dump("parties");
    const std::set<std::int64_t> accepted = idsWhere(first, strictMapAccepts);
    const std::set<std::int64_t> rejected =
        idsWhere(first, [](const json::Value& r) { return !strictMapAccepts(r); });
    ASSERT_FALSE(accepted.empty());
    ASSERT_FALSE(rejected.empty());

    // One run: exit 3, the summary counts the rejects, the good records are committed.
    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 3) << describe(sync);
    EXPECT_EQ(upsertedAndRejected(sync.stdoutText),
              std::make_pair(static_cast<long>(accepted.size()), static_cast<long>(rejected.size())))
        << sync.stdoutText;
    auto diffs = compareAll(w, expectedTables(first, accepted));
    EXPECT_TRUE(diffs.empty()) << joinLines(diffs);

    // sync_rejects: exactly the bad records, each with its key, its JSON and a reason that
    // names the column, its path and the value; written by this run.
    EXPECT_EQ(rejectKeys(w, "parties"), keysOf(rejected));
    const long runId = w.scalarLong("SELECT max(run_id) FROM intouch.sync_runs WHERE command = 'sync'");
    EXPECT_EQ(pg::queryScalarText(w.dsn(), "SELECT outcome FROM intouch.sync_runs WHERE run_id = " +
                                               std::to_string(runId)),
              "partial");
    EXPECT_EQ(w.scalarLong("SELECT records_rejected FROM intouch.sync_runs WHERE run_id = " + std::to_string(runId)),
              static_cast<long>(rejected.size()));
    for (const auto& r : first.items()) {
        if (!rejected.count(idOf(r))) continue;
        const std::string key = "id=" + std::to_string(idOf(r));
        auto rows = pg::queryRows(
            w.dsn(), "SELECT stream, raw_json::jsonb = " + quote(r.toJson()) +
                         "::jsonb, error, run_id, rejected_at IS NOT NULL FROM intouch.sync_rejects "
                         "WHERE record_key = " + quote(key));
        ASSERT_EQ(rows.size(), 1u) << key;
        EXPECT_EQ(rows[0][0], "parties") << key;
        EXPECT_EQ(rows[0][1], "t") << key << ": raw_json is not the record the CRM sent";
        const std::string error = rows[0][2].value_or("");
        EXPECT_TRUE(contains(error, "column 'kind'")) << key << ": " << error;
        EXPECT_TRUE(contains(error, "'type'")) << key << ": " << error;
        EXPECT_TRUE(contains(error, member(&r, "type")->toJson())) << key << ": " << error;
        EXPECT_EQ(rows[0][3], std::to_string(runId)) << key;
        EXPECT_EQ(rows[0][4], "t") << key;
    }

    // The fix changes no table: plan has nothing to do, check is happy.
    w.writeMapping("parties.yaml", strictMapping(false));
    auto replan = w.run({"plan"});
    ASSERT_EQ(replan.exitCode, 0) << describe(replan);
    EXPECT_FALSE(contains(replan.stdoutText, "ALTER TABLE") || contains(replan.stdoutText, "CREATE TABLE"))
        << replan.stdoutText;
    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 0) << describe(check);

    // Edited records come again with the next incremental sync: the rejected ones among
    // them now map, and their rejects are cleared; the others stay rejected (not re-read).
    json::Value answer = w.mutate("stream=parties&edits=60");
    std::set<std::int64_t> edited;
    for (const auto& id : member(&answer, "edited")->items()) {
        std::int64_t v = 0;
        ASSERT_TRUE(id.toInt64(v));
        edited.insert(v);
    }
    std::set<std::int64_t> fixedByEdit;
    std::set<std::int64_t> stillRejected;
    for (auto id : rejected) (edited.count(id) ? fixedByEdit : stillRejected).insert(id);
    ASSERT_FALSE(fixedByEdit.empty()) << "the edits must hit some rejected record";
    ASSERT_FALSE(stillRejected.empty());

    auto sync2 = w.run({"sync"});
    ASSERT_EQ(sync2.exitCode, 0) << describe(sync2);
    EXPECT_EQ(rejectKeys(w, "parties"), keysOf(stillRejected))
        << "only the re-read records' rejects are cleared; now " << describeSet(rejectKeys(w, "parties"));
    const json::Value second = w.dump("parties");
    std::set<std::int64_t> present = accepted;
    present.insert(edited.begin(), edited.end());
    diffs = compareAll(w, expectedTables(second, present));
    EXPECT_TRUE(diffs.empty()) << joinLines(diffs);

    // A full refresh re-reads everything: no rejects left, every record in the table.
    auto refresh = w.run({"sync", "--full-refresh"});
    ASSERT_EQ(refresh.exitCode, 0) << describe(refresh);
    EXPECT_EQ(upsertedAndRejected(refresh.stdoutText).second, 0) << refresh.stdoutText;
    EXPECT_EQ(rejectKeys(w, "parties"), std::set<std::string>{});
    diffs = compareAll(w, expectedTables(second, allIds(second)));
    EXPECT_TRUE(diffs.empty()) << joinLines(diffs);
}

// The natural fix for "required but null" rejects is to drop `required: true`. The table
// was created with that column NOT NULL, so the mapping and the table now disagree in a way
// that makes writes fail: `check` must say so and `plan` must print the SQL that fixes it,
// as for any other drift; otherwise the next sync fails with a not-null violation.
TEST(Rejects, DroppingRequiredIsDriftThatPlanFixes) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", birthdayMapping(true));
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");
    const json::Value parties = w.dump("parties");
    const long nullBirthdays = countIf(parties, [](const json::Value& r) {
        const json::Value* b = member(&r, "birthday");
        return !b || b->isNull();
    });
    ASSERT_GT(nullBirthdays, 0);
    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 3) << describe(sync);
    EXPECT_EQ(upsertedAndRejected(sync.stdoutText).second, nullBirthdays);

    w.writeMapping("parties.yaml", birthdayMapping(false));
    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 2) << "the birthday column is NOT NULL, the mapping allows null\n" << describe(check);
    bool named = false;
    for (const auto& line : linesStartingWith(check.stdoutText, "DRIFT"))
        named = named || (contains(line, "crm_parties") && contains(line, "birthday"));
    EXPECT_TRUE(named) << check.stdoutText;

    auto replan = w.run({"plan"});
    ASSERT_EQ(replan.exitCode, 0) << describe(replan);
    EXPECT_TRUE(contains(replan.stdoutText, "birthday") && contains(replan.stdoutText, "DROP NOT NULL"))
        << replan.stdoutText;
    w.writeMigration("0003_birthday_optional.sql", replan.stdoutText);
    auto migrate = w.run({"migrate"});
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    auto refresh = w.run({"sync", "--full-refresh"});
    EXPECT_EQ(refresh.exitCode, 0) << describe(refresh);
    EXPECT_EQ(rejectKeys(w, "parties"), std::set<std::string>{});
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"),
              static_cast<long>(parties.items().size()));
}

}  // namespace
}  // namespace intouch::e2e
