// PostgresWriter's group commit (several pages in one transaction) must leave
// exactly what writing the pages one by one leaves.

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <stdexcept>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/SchemaSql.hpp"
#include "sink/PostgresWriter.hpp"
#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"

using namespace intouch;
using namespace intouch::testsupport;
using test::J;

namespace {

const std::string kSpec = R"(stream: things
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: name, source: name, type: text}
  - {name: modified, source: modified, type: timestamptz}
children:
  - table: things_items
    source: items
    columns:
      - {name: v, source: $, type: text}
)";

struct Target {
    TestDatabase db = SharedPostgres::freshDatabase();
    test::ScratchDir dir;
    StreamSpec spec = loadMappingFile(dir.write("things.yaml", kSpec));

    Target() {
        const std::string state =
            test::readFile(std::string(INTOUCH_SOURCE_DIR) + "/migrations/0001_sync_state.sql");
        pg::exec(db.dsn,
                 "CREATE SCHEMA sync; SET search_path TO sync; " + state + createTablesSql(spec));
    }

    MappedRecord rec(const std::string& json) const {
        return RecordMapper(spec, TimeZone::utc()).map(J(json));
    }

    PageBatch page(std::vector<std::string> records, std::int64_t checkpointSecond,
                   std::vector<RejectedRecord> rejects = {}) const {
        PageBatch b;
        for (const auto& r : records) b.records.push_back(rec(r));
        b.rejects = std::move(rejects);
        Checkpoint cp;
        cp.modifiedMicros = checkpointSecond * 1000000;
        b.checkpoint = cp;
        return b;
    }

    pg::Rows contents() const {
        return pg::queryRows(
            db.dsn,
            "SELECT t.id::text, t.name, t.modified::text, "
            "(SELECT string_agg(v, ',' ORDER BY idx) FROM sync.things_items c WHERE "
            "c.parent_id = t.id) FROM sync.things t ORDER BY t.id");
    }
    std::string checkpoint() const {
        return *pg::queryScalarText(db.dsn,
                                    "SELECT extract(epoch FROM cursor_modified)::bigint::text "
                                    "FROM sync.sync_state WHERE stream = 'things'");
    }
    std::string rejects() const {
        return pg::queryScalarText(
                   db.dsn,
                   "SELECT coalesce(string_agg(record_key, ',' ORDER BY record_key), '') "
                   "FROM sync.sync_rejects")
            .value_or("");
    }
};

// Pages as read: the second overlaps the first (id 2, unchanged), brings a newer
// version of id 1 with other children, and an older version of id 3 than the
// one already stored (which must not win); id 4 is new.
std::vector<PageBatch> pages(const Target& t) {
    return {
        t.page(
            {R"({"id": 1, "name": "a", "modified": "2024-01-01T00:00:01Z", "items": ["x", "y"]})",
             R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})",
             R"({"id": 3, "name": "c-new", "modified": "2024-01-01T00:00:05Z", "items": ["n"]})"},
            2),
        t.page({R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})",
                R"({"id": 1, "name": "a2", "modified": "2024-01-01T00:00:03Z", "items": ["w"]})",
                R"({"id": 3, "name": "c-old", "modified": "2024-01-01T00:00:04Z", "items": ["o"]})",
                R"({"id": 4, "name": "d", "modified": "2024-01-01T00:00:03Z", "items": []})"},
               3, {RejectedRecord{"id=9", "{}", "bad"}})};
}

}  // namespace

TEST(WriterPostgres, GroupCommitLeavesWhatPageByPageLeaves) {
    Target single, grouped;
    for (Target* t : {&single, &grouped}) {
        // Rows from an earlier run: id 1 is updated (its old children must go), and
        // a reject for id 1 is cleared by the valid version.
        pqxx::connection conn(t->db.dsn);
        PostgresWriter w(conn, "sync", t->spec, std::nullopt);
        w.writePage(t->page(
            {R"({"id": 1, "name": "old", "modified": "2024-01-01T00:00:00Z", "items": ["q"]})"}, 1,
            {RejectedRecord{"id=1", "{}", "bad"}}));
    }
    {
        pqxx::connection conn(single.db.dsn);
        PostgresWriter w(conn, "sync", single.spec, std::nullopt);
        for (const auto& p : pages(single)) w.writePage(p);
    }
    {
        pqxx::connection conn(grouped.db.dsn);
        PostgresWriter w(conn, "sync", grouped.spec, std::nullopt);
        auto ps = pages(grouped);
        const Totals r = w.writePages(ps);
        EXPECT_EQ(r.upserted, 4);
        EXPECT_EQ(r.rejected, 1);
    }
    const pg::Rows expected{{"1", "a2", "2024-01-01 00:00:03+00", "w"},
                            {"2", "b", "2024-01-01 00:00:02+00", "z"},
                            {"3", "c-new", "2024-01-01 00:00:05+00", "n"},
                            {"4", "d", "2024-01-01 00:00:03+00", std::nullopt}};
    EXPECT_EQ(single.contents(), expected);
    EXPECT_EQ(grouped.contents(), expected);
    EXPECT_EQ(grouped.checkpoint(), "3");  // the last page's
    EXPECT_EQ(single.rejects(), "id=9");
    EXPECT_EQ(grouped.rejects(), "id=9");
}

TEST(WriterPostgres, OnlyTheLastPageOfAGroupMayCarryRejects) {
    Target t;
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    auto ps = pages(t);
    std::swap(ps[0], ps[1]);
    EXPECT_THROW(w.writePages(ps), std::logic_error);
}
