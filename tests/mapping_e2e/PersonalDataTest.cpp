// Issue 17, personal data: a `pii: exclude` field is in no table, no `extra`, no `raw`, no
// rejects row and no log line; a `pii: hash` value (column, child column or `extra_hash:`
// field) equals HMAC-SHA-256(pii.key, value) as PostgreSQL's own pgcrypto computes it, so
// it still joins; a mapping that hashes without a key in the config fails before any write.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "support/RecordHash.hpp"

namespace intouch::e2e {
namespace {

// map_strict on the type makes some parties rejects, so that their raw JSON is stored too.
const char* const kMapping = R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
keep_raw: true
extra_exclude: [birthday]
extra_hash: [card]
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: kind, source: type, type: text, map: {ORGANIZATION: org, INDIVIDUAL: person}, map_strict: true}
  - {name: name, source: name, type: text}
  - {name: born_number, source: bornNumber, type: text, pii: exclude}
  - {name: modified, source: modified, type: timestamptz, required: true}
children:
  - table: crm_parties_contacts
    source: contacts
    columns:
      - {name: value, source: value, type: text, pii: hash}
)YAML";

// The clear values a test must find nowhere, by field.
struct ClearValues {
    std::set<std::string> bornNumbers, birthdays, cards, contactValues;
};

ClearValues clearValuesOf(const json::Value& parties) {
    ClearValues out;
    for (const auto& r : parties.items()) {
        if (const auto* v = member(&r, "bornNumber"); v && v->isString()) out.bornNumbers.insert(v->asString());
        if (const auto* v = member(&r, "birthday"); v && v->isString()) out.birthdays.insert(v->asString());
        if (const auto* v = member(&r, "card"); v && v->isString()) out.cards.insert(v->asString());
        if (const auto* contacts = member(&r, "contacts"); contacts && contacts->isArray())
            for (const auto& c : contacts->items())
                if (const auto* v = member(&c, "value"); v && v->isString() && v->asString().size() >= 6)
                    out.contactValues.insert(v->asString());
    }
    return out;
}

// Every row of the tables a user can read, as text.
std::string everyRowAsText(const E2eWorld& w) {
    std::string all;
    for (const char* table : {"crm_parties", "crm_parties_contacts", "sync_rejects", "sync_runs",
                              "sync_stream_runs", "sync_state"})
        all += pg::queryScalarText(w.dsn(), std::string("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM ") +
                                                kSchema + "." + table + " t")
                   .value_or("") +
               "\n";
    return all;
}

void expectNoneIn(const std::string& haystack, const std::set<std::string>& values, const char* what,
                  const char* where) {
    for (const auto& v : values) EXPECT_EQ(haystack.find(v), std::string::npos) << what << " " << v << " found in " << where;
}

std::string hmacSql(const std::string& valueSql) {
    return "encode(hmac(" + valueSql + ", " + quote(ts::kTestPiiKey) + ", 'sha256'), 'hex')";
}

TEST(PersonalData, ExcludedFieldsAreNowhereAndHashedOnesEqualPgcryptosHmac) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");
    pg::exec(w.dsn(), "CREATE EXTENSION IF NOT EXISTS pgcrypto");

    const json::Value parties = w.dump("parties");
    const ClearValues clear = clearValuesOf(parties);
    ASSERT_FALSE(clear.bornNumbers.empty());
    ASSERT_FALSE(clear.cards.empty());
    ASSERT_FALSE(clear.contactValues.empty());

    auto sync = w.run({"sync", "--log-level", "debug"});
    ASSERT_EQ(sync.exitCode, 3) << describe(sync);  // the map_strict rejects
    ASSERT_GT(w.scalarLong("SELECT count(*) FROM intouch.sync_rejects"), 0);
    ASSERT_GT(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), 0);

    // Excluded: no column, and the value in no row, no log line.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'intouch' "
                           "AND column_name = 'born_number'"),
              0);
    const std::string rows = everyRowAsText(w);
    const std::string logs = sync.stdoutText + sync.stderrText;
    expectNoneIn(rows, clear.bornNumbers, "birth number", "the tables");
    expectNoneIn(logs, clear.bornNumbers, "birth number", "the output");
    expectNoneIn(rows, clear.birthdays, "birthday (extra_exclude)", "the tables");
    expectNoneIn(rows, clear.cards, "card (extra_hash)", "the tables");
    expectNoneIn(rows, clear.contactValues, "contact value (pii: hash)", "the tables");
    expectNoneIn(logs, clear.contactValues, "contact value (pii: hash)", "the output");
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties WHERE extra ? 'bornNumber' OR extra ? "
                           "'birthday' OR raw ? 'bornNumber' OR raw ? 'birthday'"),
              0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_rejects WHERE raw_json::jsonb ? 'bornNumber' OR "
                           "raw_json::jsonb ? 'birthday'"),
              0);

    // Hashed: equal to HMAC-SHA-256 over the clear values, so a join on them works. The
    // expected rows come from the simulator's dump; PostgreSQL computes the HMAC.
    std::string contacts, cards;
    long contactCount = 0;
    for (const auto& r : parties.items()) {
        const std::string id = member(&r, "id")->numberText();
        if (const auto* v = member(&r, "card"); v && v->isString())
            cards += (cards.empty() ? "" : ", ") + ("(" + id + ", " + quote(v->asString()) + ")");
        const auto* list = member(&r, "contacts");
        for (std::size_t i = 0; list && list->isArray() && i < list->items().size(); ++i) {
            const auto* v = member(&list->items()[i], "value");
            if (!v || !v->isString()) continue;
            contacts += (contacts.empty() ? "" : ", ") +
                        ("(" + id + ", " + std::to_string(i) + ", " + quote(v->asString()) + ")");
        }
    }
    const long storedContacts =
        w.scalarLong("SELECT count(*) FROM intouch.crm_parties_contacts WHERE value IS NOT NULL");
    ASSERT_GT(storedContacts, 0);
    contactCount = w.scalarLong("SELECT count(*) FROM intouch.crm_parties_contacts c JOIN (VALUES " + contacts +
                                ") AS e(id, idx, clear) ON c.parent_id = e.id AND c.idx = e.idx AND c.value = " +
                                hmacSql("e.clear"));
    EXPECT_EQ(contactCount, storedContacts) << "contact values that are not HMAC(key, clear value)";
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties p JOIN (VALUES " + cards +
                           ") AS e(id, clear) ON p.id = e.id WHERE p.extra->>'card' IS DISTINCT FROM " +
                           hmacSql("e.clear")),
              0);
    EXPECT_GT(w.scalarLong("SELECT count(*) FROM intouch.crm_parties WHERE extra ? 'card'"), 0);
    // The rejects' raw JSON holds the same hashes.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_rejects r JOIN (VALUES " + cards +
                           ") AS e(id, clear) ON (r.raw_json::jsonb->>'id')::bigint = e.id "
                           "WHERE r.raw_json::jsonb->>'card' IS DISTINCT FROM " +
                           hmacSql("e.clear")),
              0);
}

TEST(PersonalData, HashingWithoutAKeyIsAConfigErrorBeforeAnyWrite) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");

    std::string config = ts::readFile(w.configPath());
    const auto at = config.find("pii:");
    ASSERT_NE(at, std::string::npos);
    config.erase(at, config.find('\n', at) - at + 1);
    const std::string noKey = w.configPath() + ".nokey.yaml";
    {
        std::ofstream out(noKey);
        out << config;
    }
    auto p = ts::runToCompletion(INTOUCH_SYNC_BIN, {"sync", "--config", noKey}, {{"SIM_PASSWORD", "secret"}},
                                 std::chrono::seconds(60));
    EXPECT_EQ(p.exitCode, 2) << describe(p);
    EXPECT_NE(p.stderrText.find("parties.yaml"), std::string::npos) << p.stderrText;
    EXPECT_NE(p.stderrText.find("pii: {key:"), std::string::npos) << p.stderrText;
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), 0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs"), 0);
}

// The same stream before anyone thought of personal data, and after.
std::string plainMapping(bool personal) {
    return std::string(R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: name, source: name, type: text}
  - {name: born_number, source: bornNumber, type: text)YAML") +
           (personal ? ", pii: exclude" : "") + R"YAML(}
  - {name: modified, source: modified, type: timestamptz, required: true}
children:
  - table: crm_parties_contacts
    source: contacts
    columns:
      - {name: value, source: value, type: text)YAML" +
           (personal ? ", pii: hash" : "") + "}\n";
}

TEST(PersonalData, HidingAColumnLaterIsDriftThatCheckReportsAndPlanRemoves) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", plainMapping(false));
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");
    auto first = w.run({"sync"});
    ASSERT_EQ(first.exitCode, 0) << describe(first);
    const long contacts = w.scalarLong("SELECT count(*) FROM intouch.crm_parties_contacts WHERE value IS NOT NULL");
    ASSERT_GT(contacts, 0);
    ASSERT_GT(w.scalarLong("SELECT count(*) FROM intouch.crm_parties WHERE born_number IS NOT NULL"), 0);

    w.writeMapping("parties.yaml", plainMapping(true));
    auto check = w.run({"check"});
    EXPECT_EQ(check.exitCode, 2) << describe(check);
    EXPECT_NE(check.stdoutText.find("DRIFT: column crm_parties.born_number is pii: exclude"), std::string::npos)
        << check.stdoutText;
    EXPECT_NE(check.stdoutText.find("DRIFT: column crm_parties_contacts.value is pii: hash in the mapping but " +
                                    std::to_string(contacts) + " row(s)"),
              std::string::npos)
        << check.stdoutText;

    auto plan = w.run({"plan"});
    ASSERT_EQ(plan.exitCode, 0) << describe(plan);
    EXPECT_NE(plan.stdoutText.find("ALTER TABLE \"crm_parties\" DROP COLUMN \"born_number\";"), std::string::npos)
        << plan.stdoutText;
    ASSERT_EQ(w.planAndMigrate("0003_personal_data.sql"), "");
    auto after = w.run({"check"});
    EXPECT_EQ(after.exitCode, 0) << describe(after);

    // The next sync re-reads the stream and stores every contact value as its hash.
    auto second = w.run({"sync"});
    ASSERT_EQ(second.exitCode, 0) << describe(second);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties_contacts WHERE value IS NOT NULL"), contacts);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties_contacts WHERE value !~ '^[0-9a-f]{64}$'"), 0);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'intouch' "
                           "AND column_name = 'born_number'"),
              0);
}

}  // namespace
}  // namespace intouch::e2e
