// The text forms the mapper produces must be what PostgreSQL reads back as the
// intended values, and the generated migration must run. These tests ask a real (throwaway) server.

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/SchemaSql.hpp"
#include "mapping/ValueConverter.hpp"
#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"

using namespace intouch;
using namespace intouch::testsupport;
using test::J;

namespace {

const std::string kAllTypes = R"(stream: alltypes
primary_key: [id]
cursor: t_tstz
keep_raw: true
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: t_text, source: text, type: text}
  - {name: t_int, source: int, type: integer}
  - {name: t_num, source: num, type: numeric}
  - {name: t_money, source: money, type: 'numeric(14,2)'}
  - {name: t_dbl, source: dbl, type: double}
  - {name: t_bool, source: bool, type: boolean}
  - {name: t_date, source: date, type: date}
  - {name: t_time, source: time, type: time}
  - {name: t_ts, source: ts, type: timestamp}
  - {name: t_tstz, source: tstz, type: timestamptz}
  - {name: t_json, source: json, type: jsonb}
  - {name: t_arr, source: arr, type: 'text[]'}
  - {name: t_ids, source: ids, type: 'bigint[]'}
children:
  - table: alltypes_items
    source: items
    columns:
      - {name: v, source: $, type: text}
)";

// Inserts one row with every value as a text parameter, which PostgreSQL reads
// with the column type's input function -- the same function COPY's text
// format uses once the writer's COPY escaping is undone.
void insertRow(pqxx::work& tx, const std::string& table, const std::vector<std::string>& columns,
               const MappedRow& values) {
    std::string cols, params;
    std::vector<const char*> args;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        cols += (i ? ", " : "") + ("\"" + columns[i] + "\"");
        params += (i ? ", $" : "$") + std::to_string(i + 1);
        args.push_back(values[i] ? values[i]->c_str() : nullptr);
    }
    tx.exec_params("INSERT INTO sync." + table + " (" + cols + ") VALUES (" + params + ")",
                   pqxx::prepare::make_dynamic_params(args));
}

void storeRecord(const std::string& dsn, const StreamSpec& s, const MappedRecord& r) {
    pqxx::connection conn(dsn);
    pqxx::work tx(conn);
    auto cols = s.valueColumns();
    cols.push_back("record_hash");
    MappedRow row = r.values;
    row.emplace_back(r.hash);
    insertRow(tx, s.table, cols, row);
    for (const auto& child : r.children[0])
        insertRow(tx, s.children[0].table, s.childValueColumns(0), child);
    tx.commit();
}

std::string applyDdl(const std::string& sql) {
    return "CREATE SCHEMA IF NOT EXISTS sync; SET search_path TO sync; " + sql;
}

}  // namespace

TEST(MappingPostgres, ShippedMigrationRunsAndIsRepeatable) {
    const auto db = SharedPostgres::freshDatabase();
    const std::string sql =
        test::readFile(std::string(INTOUCH_SOURCE_DIR) + "/migrations/0002_stream_tables.sql");
    pg::exec(db.dsn, applyDdl(sql));
    pg::exec(db.dsn, applyDdl(sql));
    EXPECT_EQ(
        pg::queryScalarText(
            db.dsn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'sync'"),
        "15");
    // Column order is the writer's contract: mapped columns, extra, then system columns.
    const auto specs = loadMappingDirectory(std::string(INTOUCH_SOURCE_DIR) + "/mappings");
    for (const auto& s : specs) {
        auto expected = s.valueColumns();
        expected.insert(expected.end(), {"record_hash", "synced_at"});
        if (s.mode == SyncMode::Incremental) expected.push_back("deleted_at");
        const auto rows = pg::queryRows(db.dsn,
                                        "SELECT column_name FROM information_schema.columns WHERE "
                                        "table_schema = 'sync' AND table_name = '" +
                                            s.table + "' ORDER BY ordinal_position");
        std::vector<std::string> actual;
        for (const auto& r : rows) actual.push_back(*r[0]);
        EXPECT_EQ(actual, expected) << s.table;
    }
}

TEST(MappingPostgres, EveryTypeIsReadBackAsMapped) {
    const auto db = SharedPostgres::freshDatabase();
    test::ScratchDir dir;
    const StreamSpec s = loadMappingFile(dir.write("alltypes.yaml", kAllTypes));
    pg::exec(db.dsn, applyDdl(createTablesSql(s)));
    const MappedRecord r = RecordMapper(s, TimeZone::load("Europe/Prague")).map(J(R"({
      "id": 9223372036854775807,
      "text": "tab\there\nnew line \\ backslash \"quote\" \u0000 nul, žluťoučký 🚚",
      "int": -2147483648, "num": 12345678901234567890.123456789, "money": 2.675, "dbl": 1.5e300,
      "bool": 1, "date": "1901-02-28", "time": "14:30:00.25", "ts": "2024-03-31T02:30:00",
      "tstz": "2024-10-27T02:30:00",
      "json": {"k": "v\u0000", "n": 10500.00, "nested": [1, null, "x"]},
      "arr": ["a", "b \"q\"", null, "NULL", "back\\slash", "", "{x,y}", "comma,here", 7],
      "ids": [1, null, -9223372036854775808],
      "items": ["first", "line\nbreak", null],
      "unmapped": "kept"})"));
    storeRecord(db.dsn, s, r);

    const auto row =
        pg::queryRows(db.dsn, R"(SELECT id::text, t_text, t_int::text, t_num::text, t_money::text,
        t_dbl = 1.5e300, t_bool::text, t_date::text, t_time::text, t_ts::text,
        to_char(t_tstz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
        t_json = '{"k": "v\ufffd", "n": 10500.00, "nested": [1, null, "x"]}'::jsonb, (t_json->>'n'),
        array_length(t_arr, 1)::text, t_arr[1], t_arr[2], t_arr[3] IS NULL, t_arr[4], t_arr[5], t_arr[6],
        t_arr[7], t_arr[8], t_arr[9], t_ids::text, extra::text, raw->>'unmapped', record_hash
      FROM sync.alltypes)");
    ASSERT_EQ(row.size(), 1u);
    const pg::Row expected{
        "9223372036854775807",
        "tab\there\nnew line \\ backslash \"quote\" \xEF\xBF\xBD nul, žluťoučký 🚚",
        "-2147483648",
        "12345678901234567890.123456789",
        "2.68",
        "t",
        "true",
        "1901-02-28",
        "14:30:00.25",
        "2024-03-31 02:30:00",
        "2024-10-27 00:30:00",
        "t",
        "10500.00",
        "9",
        "a",
        "b \"q\"",
        "t",
        "NULL",
        "back\\slash",
        "",
        "{x,y}",
        "comma,here",
        "7",
        "{1,NULL,-9223372036854775808}",
        R"({"unmapped": "kept"})",
        "kept",
        r.hash};
    EXPECT_EQ(row[0], expected);
    EXPECT_EQ(
        pg::queryRows(db.dsn,
                      "SELECT parent_id::text, idx::text, v FROM sync.alltypes_items ORDER BY idx"),
        (pg::Rows{{"9223372036854775807", "0", "first"},
                  {"9223372036854775807", "1", "line\nbreak"},
                  {"9223372036854775807", "2", std::nullopt}}));
    // Children go with their parent.
    pg::exec(db.dsn, "DELETE FROM sync.alltypes");
    EXPECT_EQ(pg::queryScalarText(db.dsn, "SELECT count(*) FROM sync.alltypes_items"), "0");
}

TEST(MappingPostgres, KeyTextMatchesPostgresOutputOfTheKey) {
    // PostgresWriter finds rejects to clear by comparing keyValues with key::text.
    const auto db = SharedPostgres::freshDatabase();
    test::ScratchDir dir;
    const StreamSpec s = loadMappingFile(dir.write("keys.yaml", R"(stream: keys
primary_key: [a, b, c]
sync_mode: full_replace
extra: false
columns:
  - {name: a, source: a, type: 'numeric(10,3)', required: true}
  - {name: b, source: b, type: text, required: true}
  - {name: c, source: c, type: date, required: true}
children:
  - {table: keys_items, source: items, columns: [{name: v, source: $, type: text}]}
)"));
    pg::exec(db.dsn, applyDdl(createTablesSql(s)));
    const MappedRecord r =
        RecordMapper(s, TimeZone::utc())
            .map(J(R"({"a": -1.5e1, "b": "x y", "c": "0099-01-31", "items": []})"));
    storeRecord(db.dsn, s, r);
    const auto row = pg::queryRows(db.dsn, "SELECT a::text, b::text, c::text FROM sync.keys");
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row[0], (pg::Row{r.keyValues[0], r.keyValues[1], r.keyValues[2]}));
    EXPECT_EQ(r.keyValues, (std::vector<std::string>{"-15.000", "x y", "0099-01-31"}));
}

TEST(MappingPostgres, NumericRoundingAndLocalTimesAgreeWithPostgresOwnCasts) {
    const auto db = SharedPostgres::freshDatabase();
    const TimeZone prague = TimeZone::load("Europe/Prague");
    int nul = 0;
    const ConversionContext ctx{prague, true, &nul};
    auto ours = [&](const std::string& json, const std::string& type) {
        std::string error;
        return convertValue(J(json), *parseColumnType(type, error), ctx);
    };
    for (const std::string type : {"numeric", "numeric(14,2)", "numeric(5,0)", "numeric(3,3)"}) {
        for (const char* n : {"2.675", "-1.005", "1.004999", "99.995", "-0.001", "0.5", "-2.5",
                              "1.50e1", "1E-3", "0.9994", "12.5e-1", "-0"}) {
            std::string theirs;
            try {
                theirs = *pg::queryScalarText(
                    db.dsn, "SELECT '" + std::string(n) + "'::" + type + "::text");
            } catch (const std::exception&) {
                theirs = "(error)";
            }
            std::string mine;
            try {
                mine = ours(n, type);
            } catch (const ConversionError&) {
                mine = "(error)";
            }
            EXPECT_EQ(mine, theirs) << n << " as " << type;
        }
    }
    // Local times, including the spring-forward gap, read in the CRM's zone.
    for (const char* local : {"2024-03-05 10:15:30", "2024-03-31 02:30:00", "2024-03-31 03:00:00",
                              "1950-06-01 12:00:00", "2040-07-01 12:00:00", "2040-03-25 02:30:00",
                              "1901-01-01 00:00:00"}) {
        const std::string theirs =
            *pg::queryScalarText(db.dsn, "SET TIME ZONE 'UTC'; SELECT ('" + std::string(local) +
                                             "'::timestamp AT TIME ZONE 'Europe/Prague')::text");
        EXPECT_EQ(ours("\"" + std::string(local) + "\"", "timestamptz"), theirs) << local;
    }
    // In the repeated hour PostgreSQL takes the later (standard time) reading; we
    // default to the earlier one and offer ambiguous_time: later for PostgreSQL's.
    const std::string theirs =
        *pg::queryScalarText(db.dsn,
                             "SET TIME ZONE 'UTC'; SELECT ('2024-10-27 02:30:00'::timestamp AT "
                             "TIME ZONE 'Europe/Prague')::text");
    const ConversionContext later{prague, false, &nul};
    std::string error;
    EXPECT_EQ(
        convertValue(J(R"("2024-10-27 02:30:00")"), *parseColumnType("timestamptz", error), later),
        theirs);
}
