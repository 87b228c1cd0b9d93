// Issue 4, "strings with characters PostgreSQL text cannot hold (NUL) and invalid UTF-8 are
// handled by a documented rule, not a crash" (docs/mapping-language.md, "Strings PostgreSQL
// cannot hold"), driven end to end: the simulator's /_sim/set puts a \u0000 escape or raw
// bytes that are not UTF-8 into records, and the tests look at what lands in PostgreSQL and
// what the run tells the user.

#include <gtest/gtest.h>

#include "E2eWorld.hpp"

namespace intouch::e2e {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

const char* const kMapping = R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
keep_raw: true
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: name, source: name, type: text}
  - {name: comment, source: comment, type: text}
  - {name: debit, source: debit, type: bigint}
  - {name: modified, source: modified, type: timestamptz, required: true}
children:
  - table: crm_parties_contacts
    source: contacts
    columns:
      - {name: value, source: value, type: text}
)YAML";

std::string percentEncoded(const std::string& bytes) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        if (std::isalnum(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

// POST /_sim/set: `kind` is "value" (a string, byte for byte) or "json" (raw JSON text).
void setField(const E2eWorld& w, int id, const std::string& field, const std::string& kind,
              const std::string& bytes) {
    auto r = w.sim().post("/_sim/set?stream=parties&id=" + std::to_string(id) + "&field=" + field +
                          "&" + kind + "=" + percentEncoded(bytes));
    ASSERT_EQ(r.status, 200) << r.body;
}

std::string text(const E2eWorld& w, const std::string& sql) {
    return pg::queryScalarText(w.dsn(), sql).value_or("<NULL>");
}

TEST(HostileText, NulBecomesTheReplacementCharacterInTextAndJsonbAndTheRunSaysWhichRecord) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");

    setField(w, 3, "comment", "value", std::string("before\0after", 12));  // a mapped text column
    setField(w, 4, "customFields", "json",
             R"({"cf\u0000x":"v\u0000w","cf_2":1})");  // extra: name and value
    setField(w, 5, "contacts", "json",
             R"([{"type":"EMAIL","value":"a\u0000b","primary":true}])");  // child
    const long parties = static_cast<long>(w.dump("parties").items().size());

    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), parties)
        << "no record may be lost";
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_rejects"), 0);

    EXPECT_EQ(text(w, "SELECT comment FROM intouch.crm_parties WHERE id = 3"),
              "before" + kFffd + "after");
    EXPECT_EQ(text(w, "SELECT raw->>'comment' FROM intouch.crm_parties WHERE id = 3"),
              "before" + kFffd + "after");
    EXPECT_EQ(text(w, "SELECT extra->'customFields' = '{\"cf" + kFffd + "x\": \"v" + kFffd +
                          "w\", \"cf_2\": 1}'::jsonb FROM intouch.crm_parties WHERE id = 4"),
              "t")
        << text(w, "SELECT extra->'customFields' FROM intouch.crm_parties WHERE id = 4");
    EXPECT_EQ(
        text(w, "SELECT value FROM intouch.crm_parties_contacts WHERE parent_id = 5 AND idx = 0"),
        "a" + kFffd + "b");
    // Nothing else was touched: the other records carry no replacement character.
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties WHERE raw::text LIKE '%" +
                           kFffd + "%'"),
              3);

    // One warning per altered record, naming it (id=3: the comment column and raw).
    const auto warnings = linesStartingWith(sync.stderrText, "");
    auto warned = [&](const std::string& record, const std::string& replaced) {
        for (const auto& line : warnings)
            if (contains(line, "NUL characters replaced by U+FFFD") &&
                contains(line, "stream=parties") &&
                contains(line, "record=\"id=" + record + "\"") &&
                contains(line, "replaced=" + replaced))
                return true;
        return false;
    };
    EXPECT_TRUE(warned("3", "2")) << sync.stderrText;
    EXPECT_TRUE(warned("4", "4")) << sync.stderrText;  // extra and raw, name and value each
    EXPECT_TRUE(warned("5", "2")) << sync.stderrText;  // the child's value and raw
}

TEST(HostileText, InvalidUtf8BecomesOneReplacementCharacterPerBadByteAndTheRunSaysSo) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");

    // A Latin-2 "ř" (0xF8) and a lone continuation byte inside otherwise valid UTF-8.
    setField(w, 7, "name", "value", "Dvo\xF8\xE1k \x80 Šťastná");
    const long parties = static_cast<long>(w.dump("parties").items().size());

    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), parties)
        << "no record may be lost";
    EXPECT_EQ(text(w, "SELECT name FROM intouch.crm_parties WHERE id = 7"),
              "Dvo" + kFffd + kFffd + "k " + kFffd + " Šťastná");
    EXPECT_EQ(text(w, "SELECT raw->>'name' FROM intouch.crm_parties WHERE id = 7"),
              "Dvo" + kFffd + kFffd + "k " + kFffd + " Šťastná");
    bool warned = false;
    for (const auto& line : linesStartingWith(sync.stderrText, ""))
        warned = warned || (contains(line, "invalid UTF-8 in a CRM answer") &&
                            contains(line, "/parties") && contains(line, "bytes_replaced=3"));
    EXPECT_TRUE(warned) << sync.stderrText;
}

// A record that is rejected keeps its JSON in sync_rejects; with a \u0000 in it, that must not
// fail the page (raw_json is text holding the escaped JSON, not jsonb).
TEST(HostileText, ARejectedRecordWithANulKeepsItsJsonAndTheRestCommit) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");

    setField(w, 9, "debit", "value", std::string("12\0", 3));  // a string for a bigint column
    const long parties = static_cast<long>(w.dump("parties").items().size());

    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 3) << describe(sync);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), parties - 1);
    auto rows =
        pg::queryRows(w.dsn(), "SELECT record_key, raw_json, error FROM intouch.sync_rejects");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], "id=9");
    // The JSON exactly as received, escape included: nothing was replaced, nothing was lost.
    EXPECT_TRUE(contains(rows[0][1].value_or(""), R"("debit":"12\u0000")"))
        << rows[0][1].value_or("");
    EXPECT_TRUE(contains(rows[0][2].value_or(""),
                         R"(column 'debit' (from 'debit'): expected a JSON number)"))
        << rows[0][2].value_or("");
    EXPECT_TRUE(contains(rows[0][2].value_or(""), R"(value: "12\u0000")"))
        << rows[0][2].value_or("");
}

}  // namespace
}  // namespace intouch::e2e
