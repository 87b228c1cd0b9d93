// PostgresWriter's group commit (several pages in one transaction) must leave
// exactly what writing the pages one by one leaves; a first sync into empty tables
// COPYs rows straight in and leaves what the guarded upsert would (rows, children,
// versions, rejects, checkpoint).

#include <gtest/gtest.h>

#include <functional>
#include <pqxx/pqxx>
#include <stdexcept>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/SchemaSql.hpp"
#include "common/Errors.hpp"
#include "common/StopSignal.hpp"
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
    StreamSpec spec;

    explicit Target(bool history = false)
        : spec(loadMappingFile(
              dir.write("things.yaml", history ? kSpec + "history: true\n" : kSpec))) {
        const std::string migrations = std::string(INTOUCH_SOURCE_DIR) + "/migrations/";
        const std::string state = test::readFile(migrations + "0001_sync_state.sql") +
                                  test::readFile(migrations + "0005_versions_owed.sql");
        pg::exec(db.dsn, "CREATE SCHEMA sync; SET search_path TO sync; " + state +
                             createTablesSql(spec) + historyTablesSql(spec));
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

namespace {

const char* kRow1 = R"({"id": 1, "name": "a", "modified": "2024-01-01T00:00:01Z", "items": ["x", "y"]})";
const char* kRow2 = R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z", "items": ["z"]})";
const char* kRow3 = R"({"id": 3, "name": "c", "modified": "2024-01-01T00:00:03Z", "items": []})";
const char* kRow4 = R"({"id": 4, "name": "d", "modified": "2024-01-01T00:00:04Z", "items": ["q"]})";
const char* kRow5 = R"({"id": 5, "name": "e", "modified": "2024-01-01T00:00:05Z"})";
// id 1 edited during the read: it moved to the end of the list, far from its first page.
const char* kRow1New = R"({"id": 1, "name": "a2", "modified": "2024-01-01T00:00:06Z", "items": ["w"]})";
const char* kRow6 = R"({"id": 6, "name": "f", "modified": "2024-01-01T00:00:07Z", "items": ["v"]})";
// id 6 edited between two overlapping pages: the overlap brings other content.
const char* kRow6New = R"({"id": 6, "name": "f2", "modified": "2024-01-01T00:00:08Z", "items": []})";

// A first sync's pages as an overlapped read brings them: every page repeats the last
// record of the one before; page 3 brings id 1 again (edited meanwhile), page 5 id 6 (from
// the page before, other content).
std::vector<PageBatch> firstSyncPages(const Target& t) {
    return {t.page({kRow1, kRow2, kRow3}, 3), t.page({kRow3, kRow4, kRow5}, 5),
            t.page({kRow5, kRow1New}, 6), t.page({kRow1New, kRow6}, 7),
            t.page({kRow6New}, 8)};
}

const pg::Rows kAfterFirstSync{{"1", "a2", "2024-01-01 00:00:06+00", "w"},
                               {"2", "b", "2024-01-01 00:00:02+00", "z"},
                               {"3", "c", "2024-01-01 00:00:03+00", std::nullopt},
                               {"4", "d", "2024-01-01 00:00:04+00", "q"},
                               {"5", "e", "2024-01-01 00:00:05+00", std::nullopt},
                               {"6", "f2", "2024-01-01 00:00:08+00", std::nullopt}};

}  // namespace

TEST(WriterPostgres, FirstSyncCopiesStraightInDropsTheOverlapAndUpsertsWhatCameAgain) {
    Target t;
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    std::int64_t upserted = 0;
    for (const auto& p : firstSyncPages(t)) upserted += w.writePage(p).upserted;
    EXPECT_EQ(t.contents(), kAfterFirstSync);
    EXPECT_EQ(t.checkpoint(), "8");
    // Pages 1, 2 and 4 went straight in; page 3 (id 1 from further back: the primary key
    // refused it) and page 5 (id 6 of the page before with other content) were upserted.
    EXPECT_EQ(w.pathCounts().direct, 3);
    EXPECT_EQ(w.pathCounts().upserted, 2);
    EXPECT_EQ(w.pathCounts().fellBack, 2);
    // The overlap's repeats are not counted as written; the two newer versions are.
    EXPECT_EQ(upserted, 8);
}

TEST(WriterPostgres, ARunAfterAFirstSyncUpserts) {
    Target t;
    {
        pqxx::connection conn(t.db.dsn);
        PostgresWriter w(conn, "sync", t.spec, std::nullopt);
        w.writePage(t.page({kRow1, kRow2}, 2));
        EXPECT_EQ(w.pathCounts().direct, 1);
    }
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    w.writePage(t.page({kRow2, kRow1New}, 6));
    EXPECT_EQ(w.pathCounts().direct, 0);
    EXPECT_EQ(w.pathCounts().upserted, 1);
    EXPECT_EQ(w.pathCounts().fellBack, 0);
    const pg::Rows expected{{"1", "a2", "2024-01-01 00:00:06+00", "w"},
                            {"2", "b", "2024-01-01 00:00:02+00", "z"}};
    EXPECT_EQ(t.contents(), expected);
}

TEST(WriterPostgres, AnEmptyTableWithACheckpointIsUpserted) {
    // Rows all gone (a hard-deleting reconcile) but the stream has a checkpoint: not a
    // first sync.
    Target t;
    pg::exec(t.db.dsn, "INSERT INTO sync.sync_state (stream, cursor_modified) VALUES ('things', now())");
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    w.writePage(t.page({kRow1}, 1));
    EXPECT_EQ(w.pathCounts().direct, 0);
    EXPECT_EQ(w.pathCounts().upserted, 1);
}

TEST(WriterPostgres, FirstSyncStoresAndClearsRejectsAsTheUpsertDoes) {
    Target t;
    // A reject left by an earlier run (state reset since): the valid record clears it.
    pg::exec(t.db.dsn,
             "INSERT INTO sync.sync_rejects (stream, record_key, raw_json, error) "
             "VALUES ('things', 'id=2', '{}', 'old')");
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    w.writePage(t.page({kRow1}, 1, {RejectedRecord{"id=4", "{}", "bad"}}));
    EXPECT_EQ(t.rejects(), "id=2,id=4");
    w.writePage(t.page({kRow1, kRow2}, 2));
    EXPECT_EQ(t.rejects(), "id=4");
    w.writePage(t.page({kRow2, kRow4}, 4));
    EXPECT_EQ(t.rejects(), "");
    EXPECT_EQ(w.pathCounts().direct, 3);
}

TEST(WriterPostgres, FirstSyncWithHistoryOpensOneVersionPerRecordAndChainsTheNewerOnes) {
    Target direct(true), upserted(true);
    // The same pages through the guarded upsert: a checkpoint makes `upserted` no first sync.
    pg::exec(upserted.db.dsn,
             "INSERT INTO sync.sync_state (stream, cursor_modified) VALUES ('things', now())");
    for (Target* t : {&direct, &upserted}) {
        pqxx::connection conn(t->db.dsn);
        PostgresWriter w(conn, "sync", t->spec, std::nullopt);
        for (const auto& p : firstSyncPages(*t)) w.writePage(p);
        w.finishStream();
        EXPECT_EQ(t->contents(), kAfterFirstSync);
        EXPECT_EQ(w.pathCounts().direct, t == &direct ? 3 : 0);
    }
    const std::string versions =
        "SELECT id::text, name, valid_from::text, coalesce(valid_to::text, 'open'), record_hash "
        "FROM sync.things_history ORDER BY id, valid_from";
    const std::string childVersions =
        "SELECT parent_id::text, idx::text, v, valid_from::text, coalesce(valid_to::text, "
        "'open') FROM sync.things_items_history ORDER BY parent_id, valid_from, idx";
    EXPECT_EQ(pg::queryRows(direct.db.dsn, versions), pg::queryRows(upserted.db.dsn, versions));
    EXPECT_EQ(pg::queryRows(direct.db.dsn, childVersions),
              pg::queryRows(upserted.db.dsn, childVersions));
    // id 1 and id 6 have two versions, the first closed where the second starts.
    const pg::Rows one = pg::queryRows(
        direct.db.dsn,
        "SELECT name, valid_from::text, coalesce(valid_to::text, 'open') FROM "
        "sync.things_history WHERE id = 1 ORDER BY valid_from");
    const pg::Rows expectedOne{{"a", "2024-01-01 00:00:01+00", "2024-01-01 00:00:06+00"},
                               {"a2", "2024-01-01 00:00:06+00", "open"}};
    EXPECT_EQ(one, expectedOne);
    EXPECT_EQ(pg::queryScalar<long>(direct.db.dsn, "SELECT count(*) FROM sync.things_history"), 8);
}

namespace {

const char* kVersions =
    "SELECT id::text, name, valid_from::text, coalesce(valid_to::text, 'open'), record_hash "
    "FROM sync.things_history ORDER BY id, valid_from";
const char* kChildVersions =
    "SELECT parent_id::text, idx::text, v, valid_from::text, coalesce(valid_to::text, 'open'), "
    "record_hash FROM sync.things_items_history ORDER BY parent_id, valid_from, idx";

long owedMarks(const Target& t) {
    return pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.sync_versions_owed");
}

// The same pages written by `run`, once into an empty table (the first sync's direct path)
// and once through the guarded upsert (a checkpoint makes it no first sync): the versions
// must come out the same.
void expectTheVersionsOfTheUpsert(const std::function<void(Target&)>& run) {
    Target direct(true), upserted(true);
    pg::exec(upserted.db.dsn,
             "INSERT INTO sync.sync_state (stream, cursor_modified) VALUES ('things', now())");
    run(direct);
    run(upserted);
    EXPECT_EQ(direct.contents(), upserted.contents());
    EXPECT_EQ(pg::queryRows(direct.db.dsn, kVersions), pg::queryRows(upserted.db.dsn, kVersions));
    EXPECT_EQ(pg::queryRows(direct.db.dsn, kChildVersions),
              pg::queryRows(upserted.db.dsn, kChildVersions));
    EXPECT_EQ(owedMarks(direct), 0);
}

// How a writer's end-of-stream payment gets its second connection (PostgresRunTarget
// gives one): none, one like the first, or one whose writes fail.
enum class Second { None, Working, ReadOnly, Refused };

PostgresWriter::SecondConnection secondConnection(const Target& t, Second kind) {
    if (kind == Second::None) return {};
    return [dsn = t.db.dsn, kind]() -> std::unique_ptr<pqxx::connection> {
        if (kind == Second::Refused) throw std::runtime_error("too many connections");
        auto conn = std::make_unique<pqxx::connection>(dsn);
        if (kind == Second::ReadOnly) {
            pqxx::nontransaction tx(*conn);
            tx.exec("SET default_transaction_read_only = on");
        }
        return conn;
    };
}

// A first sync (expectTheVersionsOfTheUpsert gives the other target a checkpoint).
bool hasNoCheckpoint(const Target& t) {
    return pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.sync_state") == 0;
}

// Two pages (on a first sync: direct, committed, their versions owed), then `end` with the
// writer and its connection; `second`: the writer's second connection.
void writeTwoPagesThen(const Target& t, Second second,
                       const std::function<void(PostgresWriter&, pqxx::connection&)>& end) {
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt, secondConnection(t, second));
    w.writePage(t.page({kRow1, kRow2, kRow3}, 3));
    w.writePage(t.page({kRow3, kRow4, kRow5}, 5));
    end(w, conn);
}

void firstSyncOwesUntilTheEnd(Target& t, Second second) {
    const bool first = hasNoCheckpoint(t);
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt, secondConnection(t, second));
    w.writePage(t.page({kRow1, kRow2, kRow3}, 3));
    w.writePage(t.page({kRow3, kRow4, kRow5}, 5));
    if (first) {
        // Rows committed, versions owed: the mark says so, in the pages' transactions.
        EXPECT_EQ(w.pathCounts().direct, 2);
        EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_history"), 0);
        EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_items_history"), 0);
        EXPECT_EQ(owedMarks(t), 1);
    }
    w.finishStream();
    EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_history WHERE valid_to IS NULL"), 5);
}

}  // namespace

// The rows' versions and the children's are written at once on two connections when the
// writer has a second one, in one transaction when it has none or cannot open it.
TEST(WriterPostgres, AFirstSyncWithHistoryOwesTheVersionsUntilTheEndOfTheStream) {
    for (Second second : {Second::Working, Second::None, Second::Refused}) {
        SCOPED_TRACE(static_cast<int>(second));
        expectTheVersionsOfTheUpsert([second](Target& t) { firstSyncOwesUntilTheEnd(t, second); });
    }
}

// The end of the stream asked to stop (SIGTERM): it leaves the payment to the next run
// instead of holding the exit for it, and that run pays.
TEST(WriterPostgres, AStoppedFirstSyncLeavesItsVersionsOwedToTheNextRun) {
    expectTheVersionsOfTheUpsert([](Target& t) {
        const bool first = hasNoCheckpoint(t);
        writeTwoPagesThen(t, Second::Working, [](PostgresWriter& w, pqxx::connection&) {
            requestStop();
            w.finishStream();
            clearStopForTests();
        });
        if (first) {
            EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_history"), 0);
            EXPECT_EQ(owedMarks(t), 1);
        }
        pqxx::connection conn(t.db.dsn);
        PostgresWriter next(conn, "sync", t.spec, std::nullopt, secondConnection(t, Second::Working));
        next.finishStream();
    });
}

// The second connection's transaction fails: the children's versions are committed on
// their own, the mark stays, the writer says the stream failed, and the next run writes
// the rows' versions and no child version twice.
TEST(WriterPostgres, VersionsPaidOnTwoConnectionsAreCompletedByTheNextRunWhenOneFails) {
    expectTheVersionsOfTheUpsert([](Target& t) {
        const bool first = hasNoCheckpoint(t);
        writeTwoPagesThen(t, Second::ReadOnly, [first](PostgresWriter& w, pqxx::connection&) {
            if (first)
                EXPECT_THROW(w.finishStream(), TargetError);
            else
                w.finishStream();  // no mark: nothing to write, nothing fails
        });
        if (!first) return;
        EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_history"), 0);
        EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_items_history"), 4);
        EXPECT_EQ(owedMarks(t), 1);
        pqxx::connection conn(t.db.dsn);
        PostgresWriter next(conn, "sync", t.spec, std::nullopt);
        next.writePage(t.page({kRow5}, 5));
    });
}

// Each part of a payment stands on its own evidence (HistoryWriter::OwedPart): whichever
// part a kill left committed, the next payment writes the other and repeats nothing.
TEST(WriterPostgres, VersionsPaidInPartsAreWrittenOnceWhicheverPartWasCommittedFirst) {
    for (auto part : {HistoryWriter::OwedPart::Rows, HistoryWriter::OwedPart::Children}) {
        SCOPED_TRACE(part == HistoryWriter::OwedPart::Rows ? "rows first" : "children first");
        expectTheVersionsOfTheUpsert([part](Target& t) {
            writeTwoPagesThen(t, Second::None, [&](PostgresWriter&, pqxx::connection& conn) {
                pqxx::work tx(conn);
                HistoryWriter(std::string("sync"), t.spec, "unused").payOwed(tx, part, false);
                tx.commit();
            });
            pqxx::connection conn(t.db.dsn);
            PostgresWriter next(conn, "sync", t.spec, std::nullopt);
            next.finishStream();
        });
    }
}

namespace {

// A run that ends without finishStream (killed), then the next run's first page, which
// brings id 1 edited.
void killedThenNext(Target& t) {
    {
        pqxx::connection conn(t.db.dsn);
        PostgresWriter killed(conn, "sync", t.spec, std::nullopt);
        killed.writePage(t.page({kRow1, kRow2, kRow3}, 3));
    }
    pqxx::connection conn(t.db.dsn);
    PostgresWriter next(conn, "sync", t.spec, std::nullopt);
    next.writePage(t.page({kRow3, kRow1New}, 6));
    EXPECT_EQ(next.pathCounts().direct, 0);
}

}  // namespace

TEST(WriterPostgres, VersionsAKilledFirstSyncOwesAreWrittenBeforeTheNextRunChangesTheRows) {
    // id 1's first version must be written before the upsert closes it.
    expectTheVersionsOfTheUpsert(killedThenNext);
    // And the chain it gives: id 1 at "a" until 00:00:06, then at "a2".
    Target t(true);
    killedThenNext(t);
    const pg::Rows one = pg::queryRows(t.db.dsn,
                                       "SELECT name, coalesce(valid_to::text, 'open') FROM "
                                       "sync.things_history WHERE id = 1 ORDER BY valid_from");
    const pg::Rows expected{{"a", "2024-01-01 00:00:06+00"}, {"a2", "open"}};
    EXPECT_EQ(one, expected);
    EXPECT_EQ(owedMarks(t), 0);
}

TEST(WriterPostgres, VersionsAKilledFirstSyncOwesAreWrittenByARunThatBringsNothing) {
    Target t(true);
    {
        pqxx::connection conn(t.db.dsn);
        PostgresWriter killed(conn, "sync", t.spec, std::nullopt);
        killed.writePage(t.page({kRow1, kRow2}, 2));
    }
    ASSERT_EQ(owedMarks(t), 1);
    pqxx::connection conn(t.db.dsn);
    PostgresWriter next(conn, "sync", t.spec, std::nullopt);
    next.finishStream();
    EXPECT_EQ(owedMarks(t), 0);
    const pg::Rows versions = pg::queryRows(
        t.db.dsn, "SELECT id::text, valid_from::text, coalesce(valid_to::text, 'open') FROM "
                  "sync.things_history ORDER BY id");
    const pg::Rows expected{{"1", "2024-01-01 00:00:01+00", "open"}, {"2", "2024-01-01 00:00:02+00", "open"}};
    EXPECT_EQ(versions, expected);
    EXPECT_EQ(pg::queryScalar<long>(t.db.dsn, "SELECT count(*) FROM sync.things_items_history "
                                              "WHERE valid_to IS NULL"),
              3);
}

namespace {

// Child rows with the transaction that wrote each (xmin): a row the writer left alone
// keeps its xmin.
pg::Rows itemsWithWriter(const Target& t) {
    return pg::queryRows(t.db.dsn,
                         "SELECT parent_id::text, idx::text, v, xmin::text FROM sync.things_items "
                         "ORDER BY parent_id, idx");
}

std::string thing(int id, const std::string& name, int second, const std::string& items) {
    return "{\"id\": " + std::to_string(id) + ", \"name\": \"" + name +
           "\", \"modified\": \"2024-01-01T00:00:0" + std::to_string(second) +
           "Z\", \"items\": " + items + "}";
}

}  // namespace

TEST(WriterPostgres, AnUpdatedParentKeepsTheChildRowsThatDidNotChangeAndGetsTheOthers) {
    Target t;
    pqxx::connection conn(t.db.dsn);
    {
        PostgresWriter first(conn, "sync", t.spec, std::nullopt);
        first.writePage(t.page({thing(1, "a", 1, R"(["x", "y"])"), thing(2, "b", 1, R"(["z"])"),
                                thing(3, "c", 1, R"(["a", "b"])"), thing(4, "d", 1, "[null]"),
                                thing(5, "e", 1, R"(["k"])"), thing(6, "f", 1, R"(["m"])")},
                               1));
    }
    const pg::Rows before = itemsWithWriter(t);
    // The same connection (its session's staging tables) and a fresh writer, as the next
    // run of a long-lived process would have.
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    w.writePage(t.page({thing(1, "a2", 2, R"(["x", "y"])"),  // children as they were
                        thing(2, "b2", 2, R"(["z", "q"])"),  // one more
                        thing(3, "c2", 2, R"(["b"])"),       // first changed, second gone
                        thing(4, "d2", 2, R"([""])"),        // NULL became an empty text
                        thing(5, "e2", 2, "[]"),             // all gone
                        thing(7, "g", 2, R"(["n"])")},       // a new parent
                       2));
    EXPECT_EQ(w.pathCounts().upserted, 1);
    const pg::Rows after = itemsWithWriter(t);
    auto row = [](const pg::Rows& rows, const std::string& parent, const std::string& idx) {
        for (const auto& r : rows)
            if (r[0] == parent && r[1] == idx) return r;
        return pg::Row{};
    };
    // Contents as a rewrite of every changed parent's children leaves them.
    pg::Rows contents;
    for (const auto& r : after) contents.push_back({r[0], r[1], r[2]});
    const pg::Rows expected{{"1", "0", "x"}, {"1", "1", "y"}, {"2", "0", "z"}, {"2", "1", "q"},
                            {"3", "0", "b"}, {"4", "0", ""},  {"6", "0", "m"}, {"7", "0", "n"}};
    EXPECT_EQ(contents, expected);
    // Unchanged rows were not rewritten (the same writing transaction); changed ones were.
    EXPECT_EQ(row(after, "1", "0"), row(before, "1", "0"));
    EXPECT_EQ(row(after, "1", "1"), row(before, "1", "1"));
    EXPECT_EQ(row(after, "2", "0"), row(before, "2", "0"));
    EXPECT_EQ(row(after, "6", "0"), row(before, "6", "0"));  // parent not in the page
    EXPECT_NE(row(after, "3", "0")[3], row(before, "3", "0")[3]);
    EXPECT_NE(row(after, "4", "0")[3], row(before, "4", "0")[3]);
    // A second run on the same session reuses its child staging table, emptied at commit.
    PostgresWriter again(conn, "sync", t.spec, std::nullopt);
    again.writePage(t.page({thing(1, "a3", 3, R"(["y"])")}, 3));
    const pg::Rows last = itemsWithWriter(t);
    EXPECT_EQ(row(last, "1", "0")[2], "y");
    EXPECT_TRUE(row(last, "1", "1").empty());
    EXPECT_EQ(row(last, "2", "1"), row(after, "2", "1"));
}

TEST(WriterPostgres, ChildColumnsThatChangeBetweenRunsOnOneSessionAreWritten) {
    // Run 1 stages the children of an updated parent; then the mapping gives the child a
    // column more (the table is altered as `migrate` would) and run 2, on the same session,
    // stages them with it: a staging table with the old columns would refuse the COPY.
    Target t;
    pqxx::connection conn(t.db.dsn);
    {
        PostgresWriter w(conn, "sync", t.spec, std::nullopt);
        w.writePage(t.page({thing(1, "a", 1, R"(["x"])")}, 1));
    }
    {
        PostgresWriter w(conn, "sync", t.spec, std::nullopt);
        w.writePage(t.page({thing(1, "a2", 2, R"(["x", "y"])")}, 2));
        EXPECT_EQ(w.pathCounts().upserted, 1);
    }
    std::string wider = kSpec;
    wider.replace(wider.find("      - {name: v, source: $, type: text}"), std::string::npos,
                  "      - {name: v, source: v, type: text}\n"
                  "      - {name: w, source: w, type: integer}\n");
    const StreamSpec widerSpec = loadMappingFile(t.dir.write("wider.yaml", wider));
    pg::exec(t.db.dsn, "ALTER TABLE sync.things_items ADD COLUMN w integer");
    const auto rec = [&](const std::string& json) {
        return RecordMapper(widerSpec, TimeZone::utc()).map(J(json));
    };
    PageBatch b;
    b.records.push_back(rec(R"({"id": 1, "name": "a3", "modified": "2024-01-01T00:00:03Z",
                               "items": [{"v": "x", "w": 7}, {"v": "y"}]})"));
    Checkpoint cp;
    cp.modifiedMicros = 3 * 1000000;
    b.checkpoint = cp;
    PostgresWriter w(conn, "sync", widerSpec, std::nullopt);
    w.writePage(b);
    const pg::Rows expected{{"0", "x", "7"}, {"1", "y", std::nullopt}};
    EXPECT_EQ(pg::queryRows(t.db.dsn, "SELECT idx::text, v, w::text FROM sync.things_items "
                                      "WHERE parent_id = 1 ORDER BY idx"),
              expected);
}

// The deletion check after an incremental run: rows marked deleted do not count, whether the
// answer comes from the count of all rows (no more than the total) or the exact one.
TEST(WriterPostgres, HoldsMoreLiveRowsThanCountsOnlyRowsNotMarkedDeleted) {
    Target t;
    pqxx::connection conn(t.db.dsn);
    PostgresWriter w(conn, "sync", t.spec, std::nullopt);
    w.writePage(t.page({R"({"id": 1, "name": "a", "modified": "2024-01-01T00:00:01Z"})",
                        R"({"id": 2, "name": "b", "modified": "2024-01-01T00:00:02Z"})",
                        R"({"id": 3, "name": "c", "modified": "2024-01-01T00:00:03Z"})"},
                       3));
    EXPECT_TRUE(w.holdsMoreLiveRowsThan(2));
    EXPECT_FALSE(w.holdsMoreLiveRowsThan(3));
    EXPECT_FALSE(w.holdsMoreLiveRowsThan(4));
    pg::exec(t.db.dsn, "UPDATE sync.things SET deleted_at = now() WHERE id = 2");
    EXPECT_EQ(w.liveRows(), 2);
    EXPECT_TRUE(w.holdsMoreLiveRowsThan(1));
    EXPECT_FALSE(w.holdsMoreLiveRowsThan(2)) << "a row marked deleted was counted as live";
    EXPECT_FALSE(w.holdsMoreLiveRowsThan(3));
}
