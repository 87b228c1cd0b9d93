#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"

using namespace intouch;

namespace {

const std::string kBase = R"(stream: things
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
)";

// Loads `yaml` as F.yaml and returns its problems with the directory stripped,
// so messages read "F.yaml:LINE:COL: ...".
std::vector<std::string> problems(const std::string& yaml) {
    test::ScratchDir dir;
    const std::string path = dir.write("F.yaml", yaml);
    try {
        loadMappingFile(path);
    } catch (const MappingSpecError& e) {
        std::vector<std::string> out;
        const std::string prefix = dir.path().string() + "/";
        for (auto p : e.problems()) {
            if (p.rfind(prefix, 0) == 0) p = p.substr(prefix.size());
            out.push_back(p);
        }
        return out;
    }
    return {};
}

std::string problem(const std::string& yaml) {
    auto p = problems(yaml);
    if (p.size() != 1) {
        std::string all;
        for (const auto& s : p) all += "\n  " + s;
        return "expected exactly one problem, got " + std::to_string(p.size()) + ":" + all;
    }
    return p[0];
}

StreamSpec load(const std::string& yaml) {
    test::ScratchDir dir;
    return loadMappingFile(dir.write("F.yaml", yaml));
}

}  // namespace

TEST(MappingLoader, MinimalFileGetsTheDefaults) {
    const StreamSpec s = load(kBase);
    EXPECT_EQ(s.name, "things");
    EXPECT_EQ(s.endpoint, "things");
    EXPECT_EQ(s.table, "things");
    EXPECT_EQ(s.primaryKey, std::vector<std::string>{"id"});
    EXPECT_EQ(s.cursorColumn, "modified");
    EXPECT_EQ(s.mode, SyncMode::Incremental);
    EXPECT_EQ(s.paging, Paging::Paged);
    EXPECT_TRUE(s.params.empty());
    EXPECT_EQ(s.extraColumn, "extra");
    EXPECT_EQ(s.rawColumn, "");
    EXPECT_EQ(s.ambiguousTime, "earlier");
    ASSERT_EQ(s.columns.size(), 2u);
    EXPECT_EQ(s.columns[0].name, "id");
    EXPECT_EQ(s.columns[0].type.kind, ColumnKind::BigInt);
    EXPECT_TRUE(s.columns[0].required);
    EXPECT_FALSE(s.columns[1].required);
    EXPECT_TRUE(s.children.empty());
    EXPECT_EQ(s.valueColumns(), (std::vector<std::string>{"id", "modified", "extra"}));
    EXPECT_NE(s.file.find("F.yaml"), std::string::npos);
}

TEST(MappingLoader, EveryKeyIsRead) {
    const StreamSpec s = load(R"(stream: orders
endpoint: crm/buscases
table: orders_t
primary_key: [org, no]
sync_mode: full_replace
paging: unpaged
params: {caseType: 0, lang: cs}
extra: leftovers
keep_raw: true
ambiguous_time: later
columns:
  - {name: org, source: org, type: bigint, required: true}
  - {name: no, source: 'num.value', type: text, required: true, transforms: [trim, upper]}
  - name: kind
    source: type
    type: text
    map: {ORGANIZATION: org, INDIVIDUAL: person, N/A: ~}
    map_strict: false
    default: other
  - {name: price, source: price, type: 'numeric(12,2)', default: 0}
  - {name: ok, source: 'flags[0]', type: boolean, default: false}
  - {name: tags, source: tags, type: 'text[]', default: '[]'}
children:
  - table: orders_lines
    source: lines
    extra: false
    columns:
      - {name: line_value, source: $, type: text}
  - table: orders_notes
    source: 'notes'
    columns:
      - {name: text, source: text, type: text}
)");
    EXPECT_EQ(s.endpoint, "crm/buscases");
    EXPECT_EQ(s.table, "orders_t");
    EXPECT_EQ(s.primaryKey, (std::vector<std::string>{"org", "no"}));
    EXPECT_EQ(s.cursorColumn, "");
    EXPECT_EQ(s.mode, SyncMode::FullReplace);
    EXPECT_EQ(s.paging, Paging::Unpaged);
    EXPECT_EQ(s.params, (std::vector<std::pair<std::string, std::string>>{{"caseType", "0"},
                                                                          {"lang", "cs"}}));
    EXPECT_EQ(s.extraColumn, "leftovers");
    EXPECT_EQ(s.rawColumn, "raw");
    EXPECT_EQ(s.ambiguousTime, "later");
    ASSERT_EQ(s.columns.size(), 6u);
    EXPECT_EQ(s.columns[1].path.steps().size(), 2u);
    EXPECT_EQ(s.columns[1].transforms,
              (std::vector<TransformKind>{TransformKind::Trim, TransformKind::Upper}));
    const ColumnSpec& kind = s.columns[2];
    ASSERT_EQ(kind.valueMap.size(), 3u);
    EXPECT_EQ(kind.valueMap.at("ORGANIZATION").asString(), "org");
    EXPECT_TRUE(kind.valueMap.at("N/A").isNull());
    EXPECT_FALSE(kind.mapStrict);
    EXPECT_EQ(kind.defaultValue->asString(), "other");
    EXPECT_EQ(s.columns[3].type.sql(), "numeric(12,2)");
    EXPECT_EQ(s.columns[3].defaultValue->numberText(), "0");
    EXPECT_FALSE(s.columns[4].defaultValue->asBool());
    EXPECT_TRUE(s.columns[5].defaultValue->isArray());
    ASSERT_EQ(s.children.size(), 2u);
    EXPECT_EQ(s.children[0].table, "orders_lines");
    EXPECT_EQ(s.children[0].extraColumn, "");
    EXPECT_TRUE(s.children[0].columns[0].path.isSelf());
    EXPECT_EQ(s.children[1].extraColumn, "extra");
    EXPECT_EQ(s.valueColumns(), (std::vector<std::string>{"org", "no", "kind", "price", "ok",
                                                          "tags", "leftovers", "raw"}));
    EXPECT_EQ(s.childParentKeyColumns(), (std::vector<std::string>{"parent_org", "parent_no"}));
    EXPECT_EQ(s.childValueColumns(0),
              (std::vector<std::string>{"parent_org", "parent_no", "idx", "line_value"}));
    EXPECT_EQ(s.childValueColumns(1),
              (std::vector<std::string>{"parent_org", "parent_no", "idx", "text", "extra"}));
}

TEST(MappingLoader, ExtraTrueAndPrimaryKeyAsAScalar) {
    const StreamSpec s = load(R"(stream: things
primary_key: id
cursor: modified
extra: true
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz}
)");
    EXPECT_EQ(s.primaryKey, std::vector<std::string>{"id"});
    EXPECT_EQ(s.extraColumn, "extra");
}

TEST(MappingLoaderErrors, InvalidYaml) {
    EXPECT_EQ(problem("stream: [a\ncolumns: x\n"),
              "F.yaml:2:8: invalid YAML: end of sequence flow not found — fix the syntax "
              "(indentation, quotes, brackets)");
    EXPECT_EQ(problem("- a\n- b\n"),
              "F.yaml:1:1: a mapping file must be a YAML mapping with keys such as stream, "
              "primary_key and columns — "
              "see docs/mapping-language.md");
    EXPECT_EQ(problem(""),
              "F.yaml:1:1: a mapping file must be a YAML mapping with keys such as stream, "
              "primary_key and columns — "
              "see docs/mapping-language.md");
}

TEST(MappingLoaderErrors, MissingFile) {
    try {
        loadMappingFile("/nonexistent/x.yaml");
        FAIL() << "no error";
    } catch (const MappingSpecError& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "/nonexistent/x.yaml:1:1: cannot read the file — check that it exists and is readable");
        EXPECT_EQ(e.exitCode(), ExitCode::ConfigError);
    }
}

TEST(MappingLoaderErrors, UnknownKeysGetDidYouMean) {
    EXPECT_EQ(problem(kBase + "primay_key: [id]\n"),
              "F.yaml:7:1: unknown key 'primay_key' in the stream — did you mean 'primary_key'?");
    EXPECT_EQ(
        problem(kBase + "colour: red\n"),
        "F.yaml:7:1: unknown key 'colour' in the stream — allowed keys: stream, endpoint, "
              "endpoints, since, until, table, "
        "primary_key, "
        "cursor, sync_mode, paging, params, extra, extra_exclude, extra_hash, keep_raw, "
              "history, ambiguous_time, columns, children, description");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, requird: true}\n"),
              "F.yaml:7:38: unknown key 'requird' in a column — did you mean 'required'?");
    EXPECT_EQ(
        problem(kBase +
                "children:\n  - {table: c, source: a, columns: [{name: x, source: x, type: text}], "
                "extras: false}\n"),
        "F.yaml:8:72: unknown key 'extras' in a child table — did you mean 'extra'?");
}

TEST(MappingLoaderErrors, DuplicateKey) {
    EXPECT_EQ(problem(kBase + "stream: again\n"),
              "F.yaml:7:1: duplicate key 'stream' in the stream (first at line 1) — keep only one");
}

TEST(MappingLoaderErrors, MissingRequiredKeys) {
    const auto p = problems("endpoint: x\n");
    ASSERT_EQ(p.size(), 4u);
    EXPECT_EQ(p[0], "F.yaml:1:1: missing required key 'stream' — add stream: NAME");
    EXPECT_EQ(p[1],
              "F.yaml:1:1: missing required key 'columns' — list the columns, e.g. columns: "
              "[{name: id, source: id, "
              "type: bigint}]");
    EXPECT_EQ(p[2], "F.yaml:1:1: missing required key 'primary_key' — add primary_key: [id]");
    EXPECT_EQ(p[3],
              "F.yaml:1:1: sync_mode incremental needs a cursor — add cursor: COLUMN (a "
              "timestamptz column such as "
              "modified), or use sync_mode: full_replace");
    EXPECT_EQ(problem(kBase + "  - {name: x, type: text}\n"),
              "F.yaml:7:5: missing required key 'source' — add source: JSON_PATH");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x}\n"),
              "F.yaml:7:5: missing required key 'type' — add type: TYPE (e.g. text, bigint, "
              "timestamptz)");
    EXPECT_EQ(problem(kBase + "  - {source: x, type: text}\n"),
              "F.yaml:7:5: missing required key 'name' — add name: COLUMN");
}

TEST(MappingLoaderErrors, WrongShapes) {
    EXPECT_EQ(problem("stream: [a]\nprimary_key: [id]\ncursor: modified\ncolumns:\n"
                      "  - {name: id, source: id, type: bigint, required: true}\n"
                      "  - {name: modified, source: modified, type: timestamptz}\n"),
              "F.yaml:1:9: 'stream' must be a single value — write stream: NAME");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\ncursor: m\ncolumns: {name: id}\n"),
              "F.yaml:4:10: 'columns' must be a non-empty list — write columns: [{name: id, "
              "source: id, type: bigint}]");
    EXPECT_EQ(
        problem(kBase + "  - just_a_name\n"),
        "F.yaml:7:5: a column must be a mapping — write {name: id, source: id, type: bigint}");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, required: yes}\n"),
              "F.yaml:7:48: 'required' must be true or false — write required: true");
    EXPECT_EQ(problem(kBase + "keep_raw: 1\n"),
              "F.yaml:7:11: 'keep_raw' must be true or false — write keep_raw: true");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, transforms: trim}\n"),
              "F.yaml:7:50: 'transforms' must be a list — write transforms: [trim, lower]");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, map: [a, b]}\n"),
              "F.yaml:7:43: 'map' must be a mapping from source value to stored value — write map: "
              "{ORGANIZATION: org}");
    EXPECT_EQ(
        problem(kBase + "params: [caseType]\n"),
        "F.yaml:7:9: 'params' must be a mapping of query parameters — write params: {caseType: 0}");
    EXPECT_EQ(problem(kBase + "params: {a: [1]}\n"),
              "F.yaml:7:10: each parameter must be name: value — write params: {caseType: 0}");
    EXPECT_EQ(problem(kBase + "children: {table: x}\n"),
              "F.yaml:7:11: 'children' must be a list — write children: [{table: T, source: ARRAY, "
              "columns: [...]}]");
}

TEST(MappingLoaderErrors, Names) {
    EXPECT_EQ(problem("stream: My-Stream\n" + kBase.substr(kBase.find('\n') + 1)),
              "F.yaml:1:9: stream name 'My-Stream' is not valid — use lower-case letters, digits "
              "and _, starting with a "
              "letter (it is also the --stream argument)");
    EXPECT_EQ(problem(kBase + "table: Things\n"),
              "F.yaml:7:8: table name 'Things' is not valid — use lower-case letters, digits and "
              "_, starting with a "
              "letter, at most 53 characters");
    EXPECT_EQ(problem(kBase + "table: " + std::string(54, 't') + "\n"),
              "F.yaml:7:8: table name '" + std::string(54, 't') +
                  "' is not valid — use lower-case letters, digits and _, starting with a letter, "
                  "at most 53 characters");
    EXPECT_EQ(problem(kBase + "  - {name: cityM, source: cityM, type: text}\n"),
              "F.yaml:7:12: column name 'cityM' is not valid — use lower-case snake_case, e.g. "
              "city_m (letters, digits, "
              "_; at most 63 characters)");
    EXPECT_EQ(problem(kBase + "endpoint: /api/parties\n"),
              "F.yaml:7:11: endpoint '/api/parties' must be a path under the API root, without a "
              "leading '/' or a "
              "query — write e.g. endpoint: parties, and put parameters under params:");
    EXPECT_EQ(problem(kBase + "endpoint: 'buscases?caseType=1'\n"),
              "F.yaml:7:11: endpoint 'buscases?caseType=1' must be a path under the API root, "
              "without a leading '/' or "
              "a query — write e.g. endpoint: parties, and put parameters under params:");
}

TEST(MappingLoaderErrors, SyncModePagingAndTime) {
    EXPECT_EQ(problem(kBase + "sync_mode: incremetal\n"),
              "F.yaml:7:12: unknown sync_mode 'incremetal' — did you mean 'incremental'?");
    EXPECT_EQ(problem(kBase + "sync_mode: sometimes\n"),
              "F.yaml:7:12: unknown sync_mode 'sometimes' — use incremental or full_replace");
    EXPECT_EQ(problem(kBase + "paging: page\n"),
              "F.yaml:7:9: unknown paging 'page' — did you mean 'paged'?");
    EXPECT_EQ(problem(kBase + "paging: cursor\n"),
              "F.yaml:7:9: unknown paging 'cursor' — use paged, unpaged or array");
    EXPECT_EQ(problem(kBase + "paging: array\n"),
              "F.yaml:7:9: an incremental stream must be read with paging: paged (sorted by its "
              "cursor), not array — "
              "use sync_mode: full_replace for unpaged and array endpoints");
    EXPECT_EQ(problem(kBase + "ambiguous_time: first\n"),
              "F.yaml:7:17: ambiguous_time must be earlier or later — earlier takes the first "
              "occurrence of a repeated "
              "autumn hour (summer time)");
    EXPECT_EQ(
        problem(kBase + "params: {size: 10}\n"),
        "F.yaml:7:10: parameter 'size' is set by the reader for paging — remove it from params");
}

TEST(MappingLoaderErrors, Cursor) {
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\ncolumns:\n  - {name: id, source: id, type: "
                      "bigint, required: true}\n"),
              "F.yaml:1:1: sync_mode incremental needs a cursor — add cursor: COLUMN (a "
              "timestamptz column such as "
              "modified), or use sync_mode: full_replace");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\ncursor: modifed\ncolumns:\n"
                      "  - {name: id, source: id, type: bigint, required: true}\n"
                      "  - {name: modified, source: modified, type: timestamptz}\n"),
              "F.yaml:3:9: cursor column 'modifed' is not one of the mapped columns — did you mean "
              "'modified'?");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\ncursor: changed\ncolumns:\n"
                      "  - {name: id, source: id, type: bigint, required: true}\n"),
              "F.yaml:3:9: cursor column 'changed' is not one of the mapped columns — map it under "
              "columns, or fix the "
              "name");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\ncursor: modified\ncolumns:\n"
                      "  - {name: id, source: id, type: bigint, required: true}\n"
                      "  - {name: modified, source: modified, type: timestamp}\n"),
              "F.yaml:3:9: cursor column 'modified' has type timestamp — the cursor must be a "
              "timestamptz column");
    EXPECT_EQ(problem(kBase + "sync_mode: full_replace\n"),
              "F.yaml:3:1: a full_replace stream has no cursor — remove cursor, or use sync_mode: "
              "incremental");
}

TEST(MappingLoaderErrors, PrimaryKey) {
    const std::string cols = "cursor: m\ncolumns:\n  - {name: m, source: m, type: timestamptz}\n";
    EXPECT_EQ(problem("stream: s\nprimary_key: []\n" + cols),
              "F.yaml:2:14: 'primary_key' must list at least one column — write primary_key: [id]");
    EXPECT_EQ(problem("stream: s\nprimary_key: [idd]\n" + cols +
                      "  - {name: id, source: id, type: bigint, required: true}\n"),
              "F.yaml:2:15: primary key column 'idd' is not one of the mapped columns — did you "
              "mean 'id'?");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\n" + cols +
                      "  - {name: id, source: id, type: bigint}\n"),
              "F.yaml:2:15: primary key column 'id' must be required: true — a record without its "
              "key cannot be stored");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\n" + cols +
                      "  - {name: id, source: id, type: bigint, required: true, default: 0}\n"),
              "F.yaml:2:15: primary key column 'id' has a default — remove it: a record without "
              "its key must be "
              "rejected, not stored under an invented key");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id]\n" + cols +
                      "  - {name: id, source: id, type: jsonb, required: true}\n"),
              "F.yaml:2:15: primary key column 'id' has type jsonb — keys must be text, integer, "
              "bigint, numeric, date, "
              "timestamp or timestamptz");
    EXPECT_EQ(problem("stream: s\nprimary_key: [id, id]\n" + cols +
                      "  - {name: id, source: id, type: bigint, required: true}\n"),
              "F.yaml:2:19: primary key column 'id' is listed twice — list each column once");
}

TEST(MappingLoaderErrors, Types) {
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: tetx}\n"),
              "F.yaml:7:32: unknown type 'tetx' — did you mean 'text'?");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: string}\n"),
              "F.yaml:7:32: unknown type 'string' — did you mean 'text'?");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: 'numeric(10,12)'}\n"),
              "F.yaml:7:32: bad type 'numeric(10,12)': scale 12 is larger than precision 10 — use "
              "a scale between 0 "
              "and the precision");
}

TEST(MappingLoaderErrors, DuplicateAndReservedColumnNames) {
    EXPECT_EQ(problem(kBase + "  - {name: id, source: other, type: text}\n"),
              "F.yaml:7:12: column 'id' is already defined at line 5 — rename one of them");
    EXPECT_EQ(problem(kBase + "  - {name: synced_at, source: syncedAt, type: timestamptz}\n"),
              "F.yaml:7:12: column 'synced_at' clashes with a system column of the table layout "
              "(record_hash, "
              "synced_at, deleted_at) — rename it");
    EXPECT_EQ(problem(kBase + "  - {name: extra, source: extra, type: jsonb}\n"),
              "F.yaml:7:12: column 'extra' clashes with the extra column — rename it, or name the "
              "extra column with "
              "extra: NAME");
    EXPECT_EQ(
        problem(kBase + "keep_raw: true\n  - {name: raw, source: raw, type: jsonb}\n").substr(0, 8),
        "F.yaml:8");
    EXPECT_EQ(problem(kBase + "keep_raw: true\nextra: raw\n"),
              "F.yaml:8:8: the extra column cannot be called 'raw' while keep_raw is true — choose "
              "another name");
}

TEST(MappingLoaderErrors, Paths) {
    EXPECT_EQ(
        problem(kBase + "  - {name: email, source: 'contacts[type=EMAIL.value', type: text}\n"),
        "F.yaml:7:27: bad source path 'contacts[type=EMAIL.value': unterminated '[' at character 9 "
        "— paths look "
        "like a, a.b.c, a[0].b, a[type=EMAIL].value or $ (quote a key containing dots as \"a.b\")");
    EXPECT_EQ(problem(kBase + "  - {name: whole, source: $, type: jsonb}\n"),
              "F.yaml:7:27: source '$' (the array element itself) only exists in child tables — to "
              "keep the whole "
              "record use keep_raw: true");
    EXPECT_EQ(
        problem(
            kBase +
            "children:\n  - {table: c, source: $, columns: [{name: x, source: x, type: text}]}\n"),
        "F.yaml:8:24: a child table's source must name an array in the record, not '$' — e.g. "
        "source: items");
}

TEST(MappingLoaderErrors, TransformsMapsAndDefaults) {
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, transforms: [trim, lowr]}\n"),
              "F.yaml:7:57: unknown transform 'lowr' — did you mean 'lower'?");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, transforms: [capitalize]}\n"),
              "F.yaml:7:51: unknown transform 'capitalize' — use trim, lower, upper or "
              "empty_to_null (value maps go "
              "under map:)");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: integer, map: {A: one}}\n"),
              "F.yaml:7:50: map value 'one' is not a valid integer for column 'x': 'one' is not a "
              "JSON number — write "
              "a value of the column's type");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, map: {A: a, A: b}}\n"),
              "F.yaml:7:50: duplicate key 'A' in map — keep only one");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: text, map_strict: true}\n"),
              "F.yaml:7:38: map_strict needs a map — add map: {...} or remove map_strict");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: bigint, default: abc}\n"),
              "F.yaml:7:49: default 'abc' is not a valid bigint for column 'x': 'abc' is not a "
              "JSON number — write a "
              "value of the column's type");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: integer, default: 3000000000}\n"),
              "F.yaml:7:50: default '3000000000' is not a valid integer for column 'x': out of "
              "range for integer "
              "(-2147483648..2147483647) — write a value of the column's type");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: date, default: '2023-02-29'}\n"),
              "F.yaml:7:47: default '2023-02-29' is not a valid date for column 'x': 2023 is not a "
              "leap year: February "
              "has 28 days — write a value of the column's type");
    EXPECT_EQ(
        problem(kBase + "  - {name: x, source: x, type: double, default: inf}\n"),
        "F.yaml:7:49: default 'inf' is not a valid double for column 'x': 'inf' is not a JSON "
        "number — write a value of the column's type");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: boolean, default: yes}\n"),
              "F.yaml:7:50: default 'yes' is not a valid boolean for column 'x': expected true or "
              "false — write a value "
              "of the column's type");
    EXPECT_EQ(problem(kBase + "  - {name: x, source: x, type: jsonb, default: [1]}\n"),
              "F.yaml:7:48: default for column 'x' must be a single value — for jsonb and array "
              "columns write JSON "
              "text, e.g. '[]'");
    EXPECT_EQ(
        problem(kBase + "  - {name: x, source: x, type: 'text[]', default: '[1,'}\n").substr(0, 74),
        "F.yaml:7:51: default '[1,' is not a valid text[] for column 'x': not valid");
}

TEST(MappingLoaderErrors, ChildTables) {
    EXPECT_EQ(problem(kBase +
                      "children:\n  - {source: a, columns: [{name: x, source: x, type: text}]}\n"),
              "F.yaml:8:5: missing required key 'table' — add table: TABLE");
    EXPECT_EQ(problem(kBase + "children:\n  - {table: things, source: a, columns: [{name: x, "
                              "source: x, type: text}]}\n"),
              "F.yaml:8:13: table 'things' is already used by this stream — name child tables "
              "<parent>_<array>, e.g. "
              "things_items");
    EXPECT_EQ(problem(kBase + "children:\n  - {table: c, source: a, columns: [{name: idx, source: "
                              "i, type: integer}]}\n"),
              "F.yaml:8:44: column 'idx' clashes with a column the child table layout reserves "
              "(parent_id, idx) — "
              "rename it");
    EXPECT_EQ(problem(kBase + "children:\n  - {table: c, source: a, columns: [{name: parent_id, "
                              "source: p, type: bigint}]}\n"),
              "F.yaml:8:44: column 'parent_id' clashes with a column the child table layout "
              "reserves (parent_id, idx) "
              "— rename it");
    EXPECT_EQ(problem(kBase + "children:\n  - {table: c, source: a, columns: [{name: extra, "
                              "source: e, type: jsonb}]}\n"),
              "F.yaml:8:44: column 'extra' clashes with the child table's extra column — rename "
              "it, or set extra: NAME");
    EXPECT_EQ(problem(kBase + "children:\n  - {table: c, source: a, columns: []}\n"),
              "F.yaml:8:36: 'columns' must be a non-empty list — write columns: [{name: id, "
              "source: id, type: bigint}]");
}

TEST(MappingLoaderErrors, AllProblemsAreReportedAtOnce) {
    const auto p = problems(R"(stream: s
primary_key: [id]
cursor: modified
sync_mode: incremental
colums: []
columns:
  - {name: id, source: id, type: bigint}
  - {name: modified, source: modified, type: timestamp}
  - {name: Bad, source: 'a[', type: txt}
)");
    ASSERT_EQ(p.size(), 6u);
    EXPECT_EQ(p[0], "F.yaml:5:1: unknown key 'colums' in the stream — did you mean 'columns'?");
    EXPECT_EQ(p[1],
              "F.yaml:9:12: column name 'Bad' is not valid — use lower-case snake_case, e.g. bad "
              "(letters, "
              "digits, _; at most 63 characters)");
    EXPECT_EQ(p[2].substr(0, 40), "F.yaml:9:25: bad source path 'a[': unter");
    EXPECT_EQ(p[3], "F.yaml:9:37: unknown type 'txt' — did you mean 'text'?");
    EXPECT_EQ(p[4],
              "F.yaml:2:15: primary key column 'id' must be required: true — a record without its "
              "key cannot "
              "be stored");
    EXPECT_EQ(p[5],
              "F.yaml:3:9: cursor column 'modified' has type timestamp — the cursor must be a "
              "timestamptz column");
}

TEST(MappingDirectory, LoadsSortedByStreamNameAndIgnoresOtherFiles) {
    test::ScratchDir dir;
    dir.write("b.yaml",
              "stream: zeta\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
              "  - {name: id, source: id, type: bigint, required: true}\n");
    dir.write("a.yml",
              "stream: alpha\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
              "  - {name: id, source: id, type: bigint, required: true}\n");
    dir.write("README.md", "not a mapping");
    dir.write("c.yaml.bak", "stream: [");
    const auto specs = loadMappingDirectory(dir.path().string());
    ASSERT_EQ(specs.size(), 2u);
    EXPECT_EQ(specs[0].name, "alpha");
    EXPECT_EQ(specs[1].name, "zeta");
}

TEST(MappingDirectory, CollectsProblemsOfEveryFileAndDuplicates) {
    test::ScratchDir dir;
    const std::string d = dir.path().string() + "/";
    dir.write("1.yaml",
              "stream: one\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
              "  - {name: id, source: id, type: bigint, required: true}\n"
              "children:\n  - {table: one_items, source: items, columns: [{name: x, source: x, "
              "type: text}]}\n");
    dir.write(
        "2.yaml",
        "stream: two\ntable: one_items\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
        "  - {name: id, source: id, type: bigint, required: true}\n");
    dir.write(
        "4.yaml",
        "stream: one\ntable: one_again\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
        "  - {name: id, source: id, type: bigint, required: true}\n");
    dir.write("3.yaml",
              "stream: three\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
              "  - {name: id, source: id, type: bigint}\n");
    try {
        loadMappingDirectory(dir.path().string());
        FAIL() << "no error";
    } catch (const MappingSpecError& e) {
        ASSERT_EQ(e.problems().size(), 3u) << e.what();
        EXPECT_EQ(e.problems()[0],
                  d + "2.yaml:2:8: table 'one_items' is already used by stream 'one' at " + d +
                      "1.yaml:7:13 — every stream and child table needs its own table");
        EXPECT_EQ(e.problems()[1],
                  d + "3.yaml:2:15: primary key column 'id' must be required: true — a record "
                      "without its key cannot be stored");
        EXPECT_EQ(e.problems()[2], d + "4.yaml:1:9: stream 'one' is already defined at " + d +
                                       "1.yaml:1:9 — stream names must be unique; rename one");
        EXPECT_EQ(std::string(e.what()),
                  e.problems()[0] + "\n" + e.problems()[1] + "\n" + e.problems()[2]);
    }
}

TEST(MappingDirectory, MissingOrEmptyDirectory) {
    try {
        loadMappingDirectory("/nonexistent/mappings");
        FAIL() << "no error";
    } catch (const MappingSpecError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/nonexistent/mappings: no such directory — set mappings: in the config file to "
                  "the directory "
                  "holding one mapping file per stream");
    }
    test::ScratchDir dir;
    try {
        loadMappingDirectory(dir.path().string());
        FAIL() << "no error";
    } catch (const MappingSpecError& e) {
        EXPECT_EQ(std::string(e.what()),
                  dir.path().string() +
                      ": no mapping files (*.yaml or *.yml) — add one file per stream, see "
                      "docs/mapping-language.md");
    }
}

TEST(SnakeCase, FollowsTheColumnNamingConvention) {
    EXPECT_EQ(snakeCase("cityM"), "city_m");
    EXPECT_EQ(snakeCase("canShopping"), "can_shopping");
    EXPECT_EQ(snakeCase("countryMValue"), "country_m_value");
    EXPECT_EQ(snakeCase("audioURL"), "audio_url");
    EXPECT_EQ(snakeCase("dic2"), "dic2");
    EXPECT_EQ(snakeCase("HTMLBody"), "html_body");
}
