// The SQLite target (sink/Sqlite*): schema from the mappings, the guarded upsert, children,
// rejects, checkpoints, full replace, reconcile, typed values, and clear errors -- read back
// with the sqlite3 C library, as a user's own program would.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "TestSupport.hpp"
#include "common/Errors.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "sink/SqliteDatabase.hpp"
#include "sink/SqliteSchema.hpp"
#include "sink/SqliteState.hpp"
#include "sink/SqliteWriter.hpp"

using namespace intouch;
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

const std::string kTypes = R"Y(stream: typed
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
  - {name: amount, source: amount, type: "numeric(20,6)"}
  - {name: big, source: big, type: numeric}
  - {name: ratio, source: ratio, type: double}
  - {name: active, source: active, type: boolean}
  - {name: born, source: born, type: date}
  - {name: local, source: local, type: timestamp}
  - {name: note, source: note, type: text}
  - {name: tags, source: tags, type: "text[]"}
  - {name: ids, source: ids, type: "bigint[]"}
)Y";

using Rows = std::vector<std::vector<std::string>>;

// Reads with the sqlite3 C library: every value as text, NULL as "NULL", and each value's
// storage class when asked (typeof()).
Rows query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("open " + path);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string e = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error(e + ": " + sql);
    }
    Rows out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row.push_back(p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c))) : "NULL");
        }
        out.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

struct Target {
    test::ScratchDir dir;
    std::string path = (dir.path() / "crm.db").string();
    StreamSpec spec;
    SqliteDatabase db{path};

    explicit Target(const std::string& yaml = kSpec) : spec(loadMappingFile(dir.write("m.yaml", yaml))) {
        migrateSqlite(db, {spec});
    }
    MappedRecord rec(const std::string& json) const { return RecordMapper(spec, TimeZone::utc()).map(J(json)); }
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
    Rows contents() const {
        return query(path,
                     "SELECT t.id, t.name, t.modified, (SELECT group_concat(v, ',') FROM (SELECT v FROM "
                     "things_items c WHERE c.parent_id = t.id ORDER BY idx)), coalesce(t.deleted_at IS NOT NULL, 0) "
                     "FROM things t ORDER BY t.id");
    }
    std::string rejects() const {
        auto r = query(path, "SELECT coalesce(group_concat(record_key, ','), '') FROM (SELECT record_key FROM "
                             "sync_rejects ORDER BY record_key)");
        return r.at(0).at(0);
    }
};

std::vector<PageBatch> pages(const Target& t) {
    return {
        t.page({R"({"id": 1, "name": "a", "modified": "2024-01-01T00:00:01Z", "items": ["x", "y"]})",
                R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})",
                R"({"id": 3, "name": "c-new", "modified": "2024-01-01T00:00:05Z", "items": ["n"]})"},
               2),
        t.page({R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})",
                R"({"id": 1, "name": "a2", "modified": "2024-01-01T00:00:03Z", "items": ["w"]})",
                R"({"id": 3, "name": "c-old", "modified": "2024-01-01T00:00:04Z", "items": ["o"]})",
                R"({"id": 4, "name": "d", "modified": "2024-01-01T00:00:03Z", "items": []})"},
               3, {RejectedRecord{"id=9", "{}", "bad"}})};
}

const Rows kExpected{{"1", "a2", "2024-01-01T00:00:03.000000Z", "w", "0"},
                     {"2", "b", "2024-01-01T00:00:02.000000Z", "z", "0"},
                     {"3", "c-new", "2024-01-01T00:00:05.000000Z", "n", "0"},
                     {"4", "d", "2024-01-01T00:00:03.000000Z", "NULL", "0"}};

void seedEarlierRun(Target& t) {
    SqliteWriter w(t.db, t.spec, std::nullopt);
    w.writePage(t.page({R"({"id": 1, "name": "old", "modified": "2024-01-01T00:00:00Z", "items": ["q"]})"}, 1,
                       {RejectedRecord{"id=1", "{}", "bad"}}));
}

}  // namespace

TEST(WriterSqlite, GuardedUpsertChildrenRejectsAndCheckpoint) {
    Target t;
    seedEarlierRun(t);
    EXPECT_EQ(t.rejects(), "id=1");
    SqliteWriter w(t.db, t.spec, std::nullopt);
    for (const auto& p : pages(t)) w.writePage(p);
    // The older version of id 3 did not overwrite the newer; id 1's old child q is gone; the
    // valid id 1 cleared its reject.
    EXPECT_EQ(t.contents(), kExpected);
    EXPECT_EQ(t.rejects(), "id=9");
    const Checkpoint cp = sqlite_state::load(t.db, "things");
    ASSERT_TRUE(cp.modifiedMicros);
    EXPECT_EQ(*cp.modifiedMicros, 3 * 1000000);
    EXPECT_EQ(query(t.path, "SELECT cursor_modified FROM sync_state")[0][0], "1970-01-01T00:00:03.000000Z");
}

TEST(WriterSqlite, GroupCommitLeavesWhatPageByPageLeaves) {
    Target t;
    seedEarlierRun(t);
    SqliteWriter w(t.db, t.spec, std::nullopt);
    auto ps = pages(t);
    const Totals r = w.writePages(ps);
    EXPECT_EQ(r.upserted, 4);
    EXPECT_EQ(r.rejected, 1);
    EXPECT_EQ(t.contents(), kExpected);
    EXPECT_EQ(t.rejects(), "id=9");
}

TEST(WriterSqlite, SameStampOtherContentIsAcceptedUnchangedIsNotRewritten) {
    Target t;
    SqliteWriter w(t.db, t.spec, std::nullopt);
    const std::string v1 = R"({"id": 1, "name": "a", "modified": "2024-01-01T00:00:01Z", "items": ["x"]})";
    EXPECT_EQ(w.writePage(t.page({v1}, 1)).upserted, 1);
    EXPECT_EQ(w.writePage(t.page({v1}, 1)).upserted, 0);  // same hash: left alone
    EXPECT_EQ(w.writePage(t.page({R"({"id": 1, "name": "b", "modified": "2024-01-01T00:00:01Z", "items": ["y"]})"}, 1))
                  .upserted,
              1);
    EXPECT_EQ(t.contents(), (Rows{{"1", "b", "2024-01-01T00:00:01.000000Z", "y", "0"}}));
}

TEST(WriterSqlite, FullReplaceDeletesUnreadButKeepsRejected) {
    Target t(R"(stream: members
sync_mode: full_replace
primary_key: [id]
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: name, source: name, type: text}
)");
    SqliteWriter w(t.db, t.spec, std::nullopt);
    w.replaceAll(t.page({R"({"id": 1, "name": "a"})", R"({"id": 2, "name": "b"})", R"({"id": 3, "name": "c"})"}, 1));
    const Totals r = w.replaceAll(t.page({R"({"id": 1, "name": "a"})"}, 2, {RejectedRecord{"id=3", "{}", "bad"}}));
    EXPECT_EQ(r.deleted, 1);
    EXPECT_EQ(r.upserted, 0);
    EXPECT_EQ(query(t.path, "SELECT id, name FROM members ORDER BY id"), (Rows{{"1", "a"}, {"3", "c"}}));
}

TEST(WriterSqlite, ReconcileMarksOrRemovesUnseenAndUndeletesReturned) {
    Target t;
    SqliteWriter w(t.db, t.spec, std::nullopt);
    w.writePage(pages(t)[0]);
    w.beginReconcile();
    w.writeReconcilePage(PageBatch{}, {1, 3});
    EXPECT_EQ(w.finishReconcile(false), 1);
    EXPECT_EQ(w.liveRows(), 2);
    EXPECT_EQ(query(t.path, "SELECT id FROM things WHERE deleted_at IS NOT NULL"), (Rows{{"2"}}));
    // The record comes back (same content): the guard lets a deleted row be replaced.
    w.writePage(t.page({R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})"}, 3));
    EXPECT_EQ(w.liveRows(), 3);
    w.beginReconcile();
    w.writeReconcilePage(PageBatch{}, {1});
    EXPECT_EQ(w.finishReconcile(true), 2);
    EXPECT_EQ(query(t.path, "SELECT id FROM things"), (Rows{{"1"}}));
    // Children cascaded with their parents (foreign_keys on).
    EXPECT_EQ(query(t.path, "SELECT count(*) FROM things_items WHERE parent_id <> 1"), (Rows{{"0"}}));
}

TEST(WriterSqlite, ValuesKeepTheirTypesAndExactness) {
    Target t(kTypes);
    SqliteWriter w(t.db, t.spec, std::nullopt);
    // 2024-10-27 02:30+02:00 and +01:00 are the two passes of Prague's repeated hour.
    w.writePage(t.page({R"({"id": 1, "modified": "2024-10-27T02:30:00+02:00", "amount": 12345678901234.123456,
        "big": 123456789012345678901234567890.5, "ratio": 0.1, "active": true, "born": "1990-02-03",
        "local": "2024-03-31 02:30:00", "note": "Příliš žluťoučký kůň 🐎 a\u0000b",
        "tags": ["a,b", "\"q\"", "NULL"], "ids": [1, 9007199254740993]})",
                        R"({"id": 2, "modified": "2024-10-27T02:30:00+01:00", "active": false, "extra1": {"k": [1, 2]}})"},
                       1));
    const Rows r = query(t.path,
                         "SELECT id, typeof(id), modified, amount, typeof(amount), big, ratio, typeof(ratio), active, "
                         "typeof(active), born, local, note, tags, json_extract(ids, '$[1]') FROM typed ORDER BY id");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0], (std::vector<std::string>{"1", "integer", "2024-10-27T00:30:00.000000Z", "12345678901234.123456",
                                              "text", "123456789012345678901234567890.5", "0.1", "real", "1",
                                              "integer", "1990-02-03", "2024-03-31T02:30:00.000000",
                                              "Příliš žluťoučký kůň 🐎 a\xEF\xBF\xBD" "b",
                                              R"(["a,b","\"q\"","NULL"])", "9007199254740993"}));
    EXPECT_EQ(r[1][2], "2024-10-27T01:30:00.000000Z");
    EXPECT_EQ(r[1][8], "0");
    // Text order is time order, and SQLite's date functions read the stamps.
    EXPECT_EQ(query(t.path, "SELECT id FROM typed ORDER BY modified DESC LIMIT 1"), (Rows{{"2"}}));
    EXPECT_EQ(query(t.path, "SELECT strftime('%H:%M', modified) FROM typed WHERE id = 2"), (Rows{{"01:30"}}));
    EXPECT_EQ(query(t.path, "SELECT json_extract(extra, '$.extra1.k[1]') FROM typed WHERE id = 2"), (Rows{{"2"}}));
}

TEST(WriterSqlite, MigrateRecordsChecksumCheckFindsDriftPlanPrintsDdl) {
    Target t;
    EXPECT_TRUE(sqliteSchemaDrift(t.db, {t.spec}).empty());
    EXPECT_EQ(query(t.path, "SELECT checksum FROM sync_schema")[0][0], sqliteSchemaChecksum({t.spec}));
    const std::string ddl = sqliteSchemaSql({t.spec});
    EXPECT_NE(ddl.find("CREATE TABLE IF NOT EXISTS \"things_items\""), std::string::npos);
    EXPECT_NE(ddl.find("REFERENCES \"things\" (\"id\") ON DELETE CASCADE"), std::string::npos);
    // The mapping gains a column: check names it, migrate adds it, check is clean again.
    std::string moreYaml = kSpec;
    moreYaml.insert(moreYaml.find("children:"), "  - {name: code, source: code, type: integer}\n");
    StreamSpec more = loadMappingFile(t.dir.write("m2.yaml", moreYaml));
    const auto drift = sqliteSchemaDrift(t.db, {more});
    ASSERT_EQ(drift.size(), 1u);
    EXPECT_NE(drift[0].find("things.code is missing"), std::string::npos);
    const SqliteMigration m = migrateSqlite(t.db, {more});
    EXPECT_EQ(m.addedColumns, std::vector<std::string>{"things.code"});
    EXPECT_TRUE(sqliteSchemaDrift(t.db, {more}).empty());
    EXPECT_EQ(query(t.path, "PRAGMA journal_mode")[0][0], "wal");
}

TEST(WriterSqlite, AFileThatIsNotADatabaseIsAClearError) {
    test::ScratchDir dir;
    const std::string path = dir.write("notes.db", std::string(4096, 'x'));
    try {
        SqliteDatabase db(path);
        FAIL() << "opened a file that is not a database";
    } catch (const TargetError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos) << e.what();
    }
    std::ifstream in(path, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string(4096, 'x'));  // untouched
}

TEST(WriterSqlite, AReadOnlyFileIsAClearError) {
    test::ScratchDir dir;
    const std::string path = (dir.path() / "crm.db").string();
    {
        SqliteDatabase db(path);
        migrateSqlite(db, {loadMappingFile(dir.write("m.yaml", kSpec))});
    }
    // root writes through file modes: the immutable attribute stops root too.
    const bool root = geteuid() == 0;
    const std::string chattr = "chattr +i '" + path + "' 2>/dev/null";
    if (root ? std::system(chattr.c_str()) != 0 : chmod(path.c_str(), 0444) != 0)
        GTEST_SKIP() << "cannot make " << path << " read-only here";
    std::string error;
    try {
        SqliteDatabase db(path);
    } catch (const TargetError& e) {
        error = e.what();
    }
    if (root) (void)std::system(("chattr -i '" + path + "'").c_str());
    EXPECT_NE(error.find(path), std::string::npos) << error;
    EXPECT_NE(error.find("read-only"), std::string::npos) << error;
}

TEST(WriterSqlite, AFullDiskFailsThePageAndKeepsTheLastCommittedOne) {
    Target t;
    SqliteWriter w(t.db, t.spec, std::nullopt);
    w.writePage(pages(t)[0]);
    // The file may not grow: what a full disk does to the next page's transaction.
    const auto pagesNow = query(t.path, "PRAGMA page_count")[0][0];
    t.db.exec("PRAGMA max_page_count = " + pagesNow);
    std::vector<std::string> big;
    for (int i = 10; i < 400; ++i)
        big.push_back(R"({"id": )" + std::to_string(i) + R"(, "name": ")" + std::string(500, 'n') +
                      R"(", "modified": "2024-01-01T00:00:09Z", "items": ["x"]})");
    try {
        w.writePage(t.page(big, 9));
        FAIL() << "a page larger than the free space was written";
    } catch (const TargetError& e) {
        EXPECT_NE(std::string(e.what()).find("disk is full"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(t.path), std::string::npos) << e.what();
    }
    EXPECT_EQ(query(t.path, "SELECT count(*) FROM things")[0][0], "3");
    EXPECT_EQ(*sqlite_state::load(t.db, "things").modifiedMicros, 2 * 1000000);
}
