#include "sink/SchemaDrift.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/SqlIdentifier.hpp"
#include "mapping/SchemaSql.hpp"

namespace intouch {

namespace {

struct ExpectedColumn {
    std::string name;
    std::string type;  // canonical
    bool notNull = false;
};

// The layout docs/mapping-language.md promises: mapped columns, extra, raw, system columns.
std::vector<ExpectedColumn> parentColumns(const StreamSpec& spec) {
    std::vector<ExpectedColumn> out;
    for (const auto& c : spec.columns)
        out.push_back({c.name, canonicalSqlType(c.type.sql()), c.required});
    if (!spec.extraColumn.empty()) out.push_back({spec.extraColumn, "jsonb", false});
    if (!spec.rawColumn.empty()) out.push_back({spec.rawColumn, "jsonb", true});
    out.push_back({"record_hash", "text", true});
    out.push_back({"synced_at", "timestamp with time zone", true});
    if (spec.mode == SyncMode::Incremental)
        out.push_back({"deleted_at", "timestamp with time zone", false});
    return out;
}

std::vector<ExpectedColumn> childColumns(const StreamSpec& spec, std::size_t i) {
    std::vector<ExpectedColumn> out;
    const auto parentKeys = spec.childParentKeyColumns();
    for (std::size_t k = 0; k < spec.primaryKey.size(); ++k) {
        const ColumnSpec* key = spec.findColumn(spec.primaryKey[k]);
        out.push_back({parentKeys[k], key ? canonicalSqlType(key->type.sql()) : "bigint", true});
    }
    out.push_back({"idx", "integer", true});
    const ChildSpec& child = spec.children[i];
    for (const auto& c : child.columns)
        out.push_back({c.name, canonicalSqlType(c.type.sql()), c.required});
    if (!child.extraColumn.empty()) out.push_back({child.extraColumn, "jsonb", false});
    return out;
}

// A version table (mapping/SchemaSql.cpp, historyTablesSql): the table's own columns, NOT
// NULL only on the key, then the version bookkeeping.
std::vector<ExpectedColumn> historyColumns(std::vector<ExpectedColumn> table,
                                           const std::vector<std::string>& key) {
    std::vector<ExpectedColumn> out = {{kHistoryIdColumn, "bigint", true}};
    for (auto& c : table) {
        if (c.name == "record_hash" || c.name == "synced_at" || c.name == "deleted_at") continue;
        c.notNull = std::find(key.begin(), key.end(), c.name) != key.end();
        out.push_back(c);
    }
    out.push_back({"record_hash", "text", true});
    out.push_back({kValidFromColumn, "timestamp with time zone", true});
    out.push_back({kValidToColumn, "timestamp with time zone", false});
    return out;
}

DriftItem item(DriftItem::Kind kind, const std::string& table, const std::string& column,
               const std::string& expectedType = "", const std::string& actualType = "") {
    DriftItem d{kind, table, column, expectedType, actualType};
    return d;
}

void compareTable(pqxx::transaction_base& tx, const std::string& schema, const std::string& table,
                  const std::vector<ExpectedColumn>& expected, std::vector<DriftItem>& out) {
    auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", qualified(schema, table));
    if (!exists[0][0].as<bool>()) {
        out.push_back(item(DriftItem::Kind::MissingTable, table, ""));
        return;
    }
    struct Actual {
        std::string type;
        bool notNull;
    };
    std::map<std::string, Actual> actual;
    for (const auto& row : tx.exec_params(
             "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
             "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
             qualified(schema, table)))
        actual[row[0].c_str()] = {row[1].c_str(), row[2].as<bool>()};
    std::set<std::string> wanted;
    for (const auto& e : expected) {
        wanted.insert(e.name);
        auto it = actual.find(e.name);
        if (it == actual.end()) {
            DriftItem d = item(DriftItem::Kind::MissingColumn, table, e.name, e.type);
            d.expectedNotNull = e.notNull;
            out.push_back(d);
            continue;
        }
        if (it->second.type != e.type)
            out.push_back(
                item(DriftItem::Kind::TypeMismatch, table, e.name, e.type, it->second.type));
        if (it->second.notNull && !e.notNull) {
            out.push_back(
                item(DriftItem::Kind::UnexpectedNotNull, table, e.name, e.type, it->second.type));
        } else if (!it->second.notNull && e.notNull) {
            DriftItem d =
                item(DriftItem::Kind::MissingNotNull, table, e.name, e.type, it->second.type);
            // Only counted when the constraint is missing, which is rare, so the scan is
            // affordable.
            d.nullRows = tx.exec("SELECT count(*) FROM " + qualified(schema, table) + " WHERE " +
                                 quoteIdent(e.name) + " IS NULL")[0][0]
                             .as<long long>();
            out.push_back(d);
        }
    }
    for (const auto& [name, col] : actual)
        if (!wanted.count(name))
            out.push_back(item(DriftItem::Kind::ExtraColumn, table, name, "", col.type));
}

}  // namespace

std::string canonicalSqlType(const std::string& t) {
    if (t == "timestamptz") return "timestamp with time zone";
    if (t == "timestamp") return "timestamp without time zone";
    if (t == "time") return "time without time zone";
    return t;
}

std::string DriftItem::describe() const {
    switch (kind) {
        case Kind::MissingTable: return "table " + table + " does not exist";
        case Kind::MissingColumn: return "table " + table + " has no column " + column + " (" + expectedType + ")";
        case Kind::TypeMismatch:
            return "column " + table + "." + column + " is " + actualType + ", the mapping says " + expectedType;
        case Kind::ExtraColumn:
            return "column " + table + "." + column + " (" + actualType + ") is not in the mapping (left alone)";
        case Kind::UnexpectedNotNull:
            return "column " + table + "." + column +
                   " is NOT NULL, the mapping allows NULL (no `required: true`): " +
                   "a record without " + column + " would fail its whole page";
        case Kind::ExcludedColumnStored:
            return "column " + table + "." + column +
                   " is pii: exclude in the mapping but still holds its values: `plan` drops it";
        case Kind::ClearPersonalData:
            return "column " + table + "." + column + " is pii: hash in the mapping but " +
                   std::to_string(clearRows) +
                   " row(s) hold values that are not hashes (stored before): `plan` removes them "
                   "and has the next sync re-read the stream";
        case Kind::MissingNotNull:
            return "column " + table + "." + column +
                   " allows NULL, the mapping says `required: true` (NOT NULL)" +
                   (nullRows > 0 ? "; " + std::to_string(nullRows) + " row(s) hold NULL there"
                                 : std::string()) +
                   " (writes are not affected)";
    }
    return {};
}

namespace {

// What an HMAC-SHA-256 hex text looks like; anything else in a `pii: hash` column was stored
// in clear.
const char* const kNotAHash = " !~ '^[0-9a-f]{64}$'";

// Turns the ExtraColumn items of excluded columns into ExcludedColumnStored, and counts the
// clear values of hashed columns (a scan, but only `check` and `plan` look).
void findPersonalDrift(pqxx::transaction_base& tx, const std::string& schema,
                       const StreamSpec& spec, const std::string& table,
                       const std::vector<ColumnSpec>& columns,
                       const std::vector<ColumnSpec>& excluded, std::vector<DriftItem>& out) {
    for (auto& d : out)
        if (d.kind == DriftItem::Kind::ExtraColumn && d.table == table)
            for (const auto& c : excluded)
                if (c.name == d.column) d.kind = DriftItem::Kind::ExcludedColumnStored;
    for (const auto& c : columns) {
        if (c.pii != Pii::Hash) continue;
        bool present = true;
        for (const auto& d : out)
            if (d.table == table && (d.kind == DriftItem::Kind::MissingTable ||
                                     (d.column == c.name && d.kind != DriftItem::Kind::MissingNotNull)))
                present = false;
        if (!present) continue;
        const long long clear = tx.exec("SELECT count(*) FROM " + qualified(schema, table) +
                                        " WHERE " + quoteIdent(c.name) + kNotAHash)[0][0]
                                    .as<long long>();
        if (clear == 0) continue;
        DriftItem d = item(DriftItem::Kind::ClearPersonalData, table, c.name, "text", "text");
        d.clearRows = clear;
        d.stream = spec.name;
        out.push_back(d);
    }
}

}  // namespace

std::vector<DriftItem> findSchemaDrift(pqxx::transaction_base& tx, const std::string& schema,
                                       const StreamSpec& spec) {
    std::vector<DriftItem> out;
    compareTable(tx, schema, spec.table, parentColumns(spec), out);
    for (std::size_t i = 0; i < spec.children.size(); ++i)
        compareTable(tx, schema, spec.children[i].table, childColumns(spec, i), out);
    if (spec.history) {
        compareTable(tx, schema, historyTable(spec.table),
                     historyColumns(parentColumns(spec), spec.primaryKey), out);
        for (std::size_t i = 0; i < spec.children.size(); ++i) {
            std::vector<std::string> key = spec.childParentKeyColumns();
            key.push_back(kChildIndexColumn);
            compareTable(tx, schema, historyTable(spec.children[i].table),
                         historyColumns(childColumns(spec, i), key), out);
        }
    }
    // The version tables hold the same personal data as their tables.
    for (bool versions : {false, true}) {
        if (versions && !spec.history) break;
        auto name = [&](const std::string& table) { return versions ? historyTable(table) : table; };
        findPersonalDrift(tx, schema, spec, name(spec.table), spec.columns, spec.excludedColumns, out);
        for (const auto& child : spec.children)
            findPersonalDrift(tx, schema, spec, name(child.table), child.columns,
                              child.excludedColumns, out);
    }
    return out;
}

std::string planMigrationSql(const StreamSpec& spec, const std::vector<DriftItem>& drift) {
    std::string sql;
    std::set<std::string> viewsDropped;
    bool createAll = false;
    for (const auto& d : drift)
        if (d.kind == DriftItem::Kind::MissingTable) createAll = true;
    if (createAll) {
        // CREATE TABLE IF NOT EXISTS leaves existing tables alone.
        sql += createTablesSql(spec);
        sql += historyTablesSql(spec);
    }
    for (const auto& d : drift) {
        switch (d.kind) {
            case DriftItem::Kind::MissingTable: break;
            case DriftItem::Kind::MissingColumn:
                sql += "ALTER TABLE " + quoteIdent(d.table) + " ADD COLUMN " + quoteIdent(d.column) + " " +
                       d.expectedType + ";\n";
                // ADD COLUMN ... NOT NULL fails on any table that has rows, and would take
                // the rest of the repair down with it.
                if (d.expectedNotNull)
                    sql += "-- " + d.column +
                           " is `required: true` but starts out NULL in existing rows: after a " +
                           "`sync --full-refresh` has filled it, `plan` prints the SET NOT NULL\n";
                break;
            case DriftItem::Kind::TypeMismatch:
                // PostgreSQL refuses to retype a column a view reads; migrate recreates the
                // view after the migration files.
                if (viewsDropped.insert(d.table).second)
                    sql += "DROP VIEW IF EXISTS " + quoteIdent(d.table + "_current") +
                           ";  -- `intouch-sync migrate` creates it again\n";
                sql += "ALTER TABLE " + quoteIdent(d.table) + " ALTER COLUMN " + quoteIdent(d.column) + " TYPE " +
                       d.expectedType + " USING " + quoteIdent(d.column) + "::" + d.expectedType + ";\n";
                break;
            case DriftItem::Kind::ExtraColumn:
                sql += "-- " + d.describe() + "\n";
                break;
            case DriftItem::Kind::ExcludedColumnStored:
                // As for a retyped column: the current view reads it, migrate recreates it.
                if (viewsDropped.insert(d.table).second)
                    sql += "DROP VIEW IF EXISTS " + quoteIdent(d.table + "_current") +
                           ";  -- `intouch-sync migrate` creates it again\n";
                sql += "-- " + d.column + " is pii: exclude: its stored values go with the column\n" +
                       "ALTER TABLE " + quoteIdent(d.table) + " DROP COLUMN " + quoteIdent(d.column) + ";\n";
                break;
            case DriftItem::Kind::ClearPersonalData:
                // The key is a secret and never goes into a migration file, so the clear
                // values cannot be hashed here: they go, and the next sync re-reads every
                // record of the stream and stores the hashes.
                sql += "-- " + d.column + " is pii: hash; " + std::to_string(d.clearRows) +
                       " row(s) hold it in clear: removed, and the stream re-read by the next sync\n" +
                       "UPDATE " + quoteIdent(d.table) + " SET " + quoteIdent(d.column) + " = NULL WHERE " +
                       quoteIdent(d.column) + kNotAHash + ";\n";
                sql += "DELETE FROM sync_state WHERE stream = '";
                sql += d.stream;  // a stream name is an identifier: nothing to escape
                sql += "';\n";
                break;
            case DriftItem::Kind::UnexpectedNotNull:
                sql += "ALTER TABLE " + quoteIdent(d.table) + " ALTER COLUMN " +
                       quoteIdent(d.column) + " DROP NOT NULL;\n";
                break;
            case DriftItem::Kind::MissingNotNull: {
                const std::string stmt = "ALTER TABLE " + quoteIdent(d.table) + " ALTER COLUMN " +
                                         quoteIdent(d.column) + " SET NOT NULL;\n";
                // A failing statement rolls back the whole migration file, so one that is known
                // to fail stays a comment and the rest of the repair still applies.
                if (d.nullRows > 0)
                    sql += "-- " + std::to_string(d.nullRows) + " row(s) of " + d.table +
                           " hold NULL in " + d.column +
                           ", so SET NOT NULL would fail and roll back this migration: fill or "
                           "delete them (SELECT * "
                           "FROM " +
                           quoteIdent(d.table) + " WHERE " + quoteIdent(d.column) +
                           " IS NULL), then run `plan` again\n-- " + stmt;
                else
                    sql += "-- fails, rolling back this migration, if rows hold NULL in " +
                           d.column + " by the time it runs: fill or delete them first\n" + stmt;
                break;
            }
        }
    }
    return sql;
}

}  // namespace intouch
