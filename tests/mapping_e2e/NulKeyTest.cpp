// Issue 11: a rejected record's raw key may hold NUL (a \u0000 in a key field that cannot
// be mapped). The key goes into the checkpoint's cursor_keys when the record sits at the
// checkpoint's `modified`; libpq passes parameters as C strings, so a NUL there used to cut
// the text[] literal and the page failed on every run. End to end through /_sim/set.

#include <gtest/gtest.h>

#include "E2eWorld.hpp"

namespace intouch::e2e {
namespace {

// The key holds `debit`, a bigint: a string there is rejected, and its raw text (NUL
// included) is the rejected record's key.
const char* const kMapping = R"YAML(stream: parties
table: crm_parties
primary_key: [id, debit]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: debit, source: debit, type: bigint, required: true}
  - {name: name, source: name, type: text}
  - {name: modified, source: modified, type: timestamptz, required: true}
)YAML";

TEST(NulKey, ARejectedKeyWithANulAtTheCheckpointDoesNotBreakIt) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w(DateFormat::IsoOffset, 60);
    w.writeMapping("parties.yaml", kMapping);
    ASSERT_EQ(w.planAndMigrate("0002_parties.sql"), "");
    // Every record needs a debit for the key: give the others one.
    const long parties = static_cast<long>(w.dump("parties").items().size());
    for (long id = 1; id <= parties; ++id) {
        auto r = w.sim().post("/_sim/set?stream=parties&id=" + std::to_string(id) + "&field=debit&json=" +
                              std::to_string(id * 10));
        ASSERT_EQ(r.status, 200) << r.body;
    }
    // The record at position 49 in the API's order (by modified) ends the first full page
    // of 50: its key is the checkpoint's tie key after that page.
    auto at49 = w.sim().getWithAuth("/api/parties?position=49&size=1&orderBy=modified", "api", "secret");
    ASSERT_EQ(at49.status, 200) << at49.body;
    const json::Value page = json::parse(at49.body);
    const json::Value* items = page.find("items");
    ASSERT_TRUE(items && items->items().size() == 1) << at49.body;
    std::int64_t id = 0;
    ASSERT_TRUE(items->items()[0].find("id")->toInt64(id));
    auto r = w.sim().post("/_sim/set?stream=parties&id=" + std::to_string(id) + "&field=debit&value=12%00x");
    ASSERT_EQ(r.status, 200) << r.body;

    auto first = w.run({"sync"});
    ASSERT_EQ(first.exitCode, 3) << describe(first);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), parties - 1);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_rejects"), 1);
    // Stored whole, the NUL shown as U+FFFD (libpq would have cut the key there).
    EXPECT_EQ(pg::queryScalarText(w.dsn(), "SELECT record_key FROM intouch.sync_rejects").value_or(""),
              "id=" + std::to_string(id) + ",debit=12\xEF\xBF\xBDx");
    // The next run reads the checkpoint back and goes on; nothing is re-rejected as new.
    auto second = w.run({"sync"});
    EXPECT_TRUE(second.exitCode == 0 || second.exitCode == 3) << describe(second);
    EXPECT_FALSE(contains(second.stderrText, "malformed array")) << describe(second);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.crm_parties"), parties - 1);
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.sync_runs WHERE outcome = 'failed'"), 0);
}

}  // namespace
}  // namespace intouch::e2e
