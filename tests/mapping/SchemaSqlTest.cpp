#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/SchemaSql.hpp"

using namespace intouch;

namespace {
StreamSpec spec(const std::string& yaml) {
    test::ScratchDir dir;
    return loadMappingFile(dir.write("things.yaml", yaml));
}
}  // namespace

TEST(SchemaSql, IncrementalStreamWithChildTable) {
    const StreamSpec s = spec(R"(stream: things
primary_key: [id]
cursor: modified
keep_raw: true
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: price, source: price, type: 'numeric(14,2)'}
  - {name: code, source: code, type: text, required: true}
  - {name: modified, source: modified, type: timestamptz}
children:
  - table: things_items
    source: items
    columns:
      - {name: qty, source: qty, type: numeric}
      - {name: tags, source: tags, type: 'text[]'}
)");
    EXPECT_EQ(createTablesSql(s), R"(-- stream things (incremental, things.yaml)
CREATE TABLE IF NOT EXISTS "things" (
    "id" bigint NOT NULL,
    "price" numeric(14,2),
    "code" text NOT NULL,
    "modified" timestamptz,
    "extra" jsonb,
    "raw" jsonb NOT NULL,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    "deleted_at" timestamptz,
    PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "things_items" (
    "parent_id" bigint NOT NULL,
    "idx" integer NOT NULL,
    "qty" numeric,
    "tags" text[],
    "extra" jsonb,
    PRIMARY KEY ("parent_id", "idx"),
    FOREIGN KEY ("parent_id") REFERENCES "things" ("id") ON DELETE CASCADE
);
)");
}

TEST(SchemaSql, FullReplaceWithCompositeKeyHasNoDeletedAt) {
    const StreamSpec s = spec(R"(stream: links
table: link_table
primary_key: [org, member]
sync_mode: full_replace
paging: unpaged
extra: false
columns:
  - {name: org, source: org, type: bigint, required: true}
  - {name: member, source: member, type: text, required: true}
  - {name: d, source: d, type: date}
children:
  - {table: link_notes, source: notes, extra: rest, columns: [{name: note, source: $, type: text}]}
)");
    EXPECT_EQ(createTablesSql(s), R"(-- stream links (full_replace, things.yaml)
CREATE TABLE IF NOT EXISTS "link_table" (
    "org" bigint NOT NULL,
    "member" text NOT NULL,
    "d" date,
    "record_hash" text NOT NULL,
    "synced_at" timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY ("org", "member")
);
CREATE TABLE IF NOT EXISTS "link_notes" (
    "parent_org" bigint NOT NULL,
    "parent_member" text NOT NULL,
    "idx" integer NOT NULL,
    "note" text,
    "rest" jsonb,
    PRIMARY KEY ("parent_org", "parent_member", "idx"),
    FOREIGN KEY ("parent_org", "parent_member") REFERENCES "link_table" ("org", "member") ON DELETE CASCADE
);
)");
}

TEST(SchemaSql, MigrationHasAGeneratedHeaderThenEachStream) {
    const StreamSpec a = spec(
        "stream: a\nprimary_key: [id]\nsync_mode: full_replace\ncolumns:\n"
        "  - {name: id, source: id, type: text, required: true}\n");
    const std::string sql = streamTablesMigration({a});
    EXPECT_EQ(sql.rfind("-- GENERATED from mappings/*.yaml by createTablesSql()", 0), 0u);
    EXPECT_EQ(sql.substr(sql.find("\n\n") + 2), createTablesSql(a));
}
