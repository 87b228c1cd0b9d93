#pragma once
// The SQLite target's schema, from the mappings (the numbered migrations/*.sql are
// PostgreSQL's): each stream's table and child tables with the same names, columns,
// primary and foreign keys, and the bookkeeping tables under PostgreSQL's names and
// columns (sync_state, sync_runs, sync_stream_runs, sync_rejects) plus sync_schema (the
// checksum of the DDL `migrate` applied) and sync_locks (the stream locks).
//
// Types (docs/sqlite-target.md): integers INTEGER; numeric TEXT holding the exact
// decimal; double REAL; boolean INTEGER 0/1; date, time, timestamp TEXT (ISO-8601,
// timestamptz in UTC with a Z); jsonb and arrays TEXT holding JSON.

#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

class SqliteDatabase;

// The declared SQLite type of a mapping column type: INTEGER, REAL or TEXT.
const char* sqliteType(const ColumnType& type);

std::string sqliteBookkeepingSql();
std::string sqliteStreamTablesSql(const StreamSpec& spec);
// The columns of the stream's table (child -1) or of its child table `child`, in table order.
std::vector<std::string> sqliteTableColumns(const StreamSpec& spec, int child);

// Everything `migrate` creates, in order: what `plan` prints.
std::string sqliteSchemaSql(const std::vector<StreamSpec>& streams);
// SHA-1 hex of sqliteSchemaSql: recorded by migrate, compared by check.
std::string sqliteSchemaChecksum(const std::vector<StreamSpec>& streams);

struct SqliteMigration {
    std::vector<std::string> created;       // tables created
    std::vector<std::string> addedColumns;  // "table.column" added to existing tables
    bool changed = false;                   // the recorded checksum was different or missing
};

// Creates what is missing (tables, columns a mapping gained: ALTER TABLE ADD COLUMN) in one
// transaction and records the checksum. A column whose type changed, or a table the mappings
// no longer name, is left alone (check reports it).
SqliteMigration migrateSqlite(SqliteDatabase& db, const std::vector<StreamSpec>& streams);

// The differences between the file and the mappings, one sentence each ("" = none):
// missing tables/columns, other types, columns the mapping does not name, an unrecorded or
// different checksum.
std::vector<std::string> sqliteSchemaDrift(SqliteDatabase& db, const std::vector<StreamSpec>& streams);

// Throws ConfigError (saying to run migrate) when the file has no schema from migrate.
void requireSqliteMigrated(SqliteDatabase& db);

}  // namespace intouch
