#include "sink/SqliteSchema.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <map>
#include <set>

#include "common/Errors.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/SqliteDatabase.hpp"

namespace intouch {

namespace {

// Fixed-width UTC stamps with Z (see SqliteValues.hpp): the default of bookkeeping columns.
constexpr const char* kNow = "(strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))";

struct Col {
    std::string name, type;
    bool notNull = false;
};

struct Table {
    std::string name;
    std::vector<Col> cols;
    std::vector<std::string> constraints;  // PRIMARY KEY / FOREIGN KEY lines
};

Col colOf(const ColumnSpec& c) { return {c.name, sqliteType(c.type), c.required}; }

std::vector<Table> streamTables(const StreamSpec& spec) {
    std::vector<Table> out;
    Table t{spec.table, {}, {}};
    for (const auto& c : spec.columns) t.cols.push_back(colOf(c));
    if (!spec.extraColumn.empty()) t.cols.push_back({spec.extraColumn, "TEXT", false});
    if (!spec.rawColumn.empty()) t.cols.push_back({spec.rawColumn, "TEXT", true});
    t.cols.push_back({"record_hash", "TEXT", true});
    t.cols.push_back({"synced_at", "TEXT", true});
    if (spec.mode == SyncMode::Incremental) t.cols.push_back({"deleted_at", "TEXT", false});
    t.constraints.push_back("PRIMARY KEY (" + identList(spec.primaryKey) + ")");
    out.push_back(t);
    const auto parentKeys = spec.childParentKeyColumns();
    for (const auto& child : spec.children) {
        Table ct{child.table, {}, {}};
        for (std::size_t k = 0; k < spec.primaryKey.size(); ++k) {
            const ColumnSpec* keyCol = spec.findColumn(spec.primaryKey[k]);
            ct.cols.push_back({parentKeys[k], keyCol ? sqliteType(keyCol->type) : "TEXT", true});
        }
        ct.cols.push_back({kChildIndexColumn, "INTEGER", true});
        for (const auto& c : child.columns) ct.cols.push_back(colOf(c));
        if (!child.extraColumn.empty()) ct.cols.push_back({child.extraColumn, "TEXT", false});
        ct.constraints.push_back("PRIMARY KEY (" + identList(parentKeys) + ", " +
                                 quoteIdent(kChildIndexColumn) + ")");
        ct.constraints.push_back("FOREIGN KEY (" + identList(parentKeys) + ") REFERENCES " +
                                 quoteIdent(spec.table) + " (" + identList(spec.primaryKey) +
                                 ") ON DELETE CASCADE");
        out.push_back(ct);
    }
    return out;
}

std::string createSql(const Table& t) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + quoteIdent(t.name) + " (\n";
    std::vector<std::string> lines;
    for (const auto& c : t.cols)
        lines.push_back(quoteIdent(c.name) + " " + c.type + (c.notNull ? " NOT NULL" : ""));
    for (const auto& c : t.constraints) lines.push_back(c);
    for (std::size_t i = 0; i < lines.size(); ++i)
        sql += "    " + lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
    return sql + ");\n";
}

std::string sha1(const std::string& text) {
    Poco::SHA1Engine sha;
    sha.update(text);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::vector<Table> allStreamTables(const std::vector<StreamSpec>& streams) {
    std::vector<Table> out;
    for (const auto& s : streams)
        for (auto& t : streamTables(s)) out.push_back(std::move(t));
    return out;
}

}  // namespace

const char* sqliteType(const ColumnType& type) {
    switch (type.kind) {
        case ColumnKind::Integer:
        case ColumnKind::BigInt:
        case ColumnKind::Boolean:
            return "INTEGER";
        case ColumnKind::Double:
            return "REAL";
        default:
            return "TEXT";
    }
}

std::string sqliteBookkeepingSql() {
    std::string now = kNow;
    return "-- Bookkeeping, under PostgreSQL's names (migrations/0001_sync_state.sql); arrays are\n"
           "-- JSON arrays, timestamps ISO-8601 text in UTC.\n"
           "CREATE TABLE IF NOT EXISTS sync_schema (\n"
           "    id INTEGER PRIMARY KEY CHECK (id = 1),\n"
           "    checksum TEXT NOT NULL,\n"
           "    migrated_at TEXT NOT NULL DEFAULT " + now + "\n);\n"
           "CREATE TABLE IF NOT EXISTS sync_state (\n"
           "    stream TEXT PRIMARY KEY,\n"
           "    cursor_modified TEXT,\n"
           "    cursor_keys TEXT NOT NULL DEFAULT '[]',\n"
           "    cursor_complete INTEGER NOT NULL DEFAULT 0,\n"
           "    position INTEGER,\n"
           "    total INTEGER,\n"
           "    updated_at TEXT NOT NULL DEFAULT " + now + "\n);\n"
           "CREATE TABLE IF NOT EXISTS sync_runs (\n"
           "    run_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
           "    command TEXT NOT NULL,\n"
           "    streams TEXT NOT NULL,\n"
           "    started_at TEXT NOT NULL DEFAULT " + now + ",\n"
           "    finished_at TEXT,\n"
           "    outcome TEXT NOT NULL DEFAULT 'running',\n"
           "    records_upserted INTEGER NOT NULL DEFAULT 0,\n"
           "    records_deleted INTEGER NOT NULL DEFAULT 0,\n"
           "    records_rejected INTEGER NOT NULL DEFAULT 0,\n"
           "    requests INTEGER NOT NULL DEFAULT 0,\n"
           "    retries INTEGER NOT NULL DEFAULT 0,\n"
           "    bytes INTEGER NOT NULL DEFAULT 0,\n"
           "    error TEXT\n);\n"
           "CREATE TABLE IF NOT EXISTS sync_stream_runs (\n"
           "    run_id INTEGER NOT NULL REFERENCES sync_runs (run_id) ON DELETE CASCADE,\n"
           "    stream TEXT NOT NULL,\n"
           "    started_at TEXT NOT NULL DEFAULT " + now + ",\n"
           "    finished_at TEXT,\n"
           "    outcome TEXT NOT NULL DEFAULT 'running',\n"
           "    records_seen INTEGER NOT NULL DEFAULT 0,\n"
           "    records_upserted INTEGER NOT NULL DEFAULT 0,\n"
           "    records_deleted INTEGER NOT NULL DEFAULT 0,\n"
           "    records_rejected INTEGER NOT NULL DEFAULT 0,\n"
           "    requests INTEGER NOT NULL DEFAULT 0,\n"
           "    error TEXT,\n"
           "    PRIMARY KEY (run_id, stream)\n);\n"
           "CREATE INDEX IF NOT EXISTS sync_stream_runs_stream_idx ON sync_stream_runs (stream, started_at DESC);\n"
           "CREATE TABLE IF NOT EXISTS sync_rejects (\n"
           "    reject_id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
           "    stream TEXT NOT NULL,\n"
           "    record_key TEXT NOT NULL,\n"
           "    raw_json TEXT NOT NULL,\n"
           "    error TEXT NOT NULL,\n"
           "    run_id INTEGER,\n"
           "    rejected_at TEXT NOT NULL DEFAULT " + now + "\n);\n"
           "CREATE UNIQUE INDEX IF NOT EXISTS sync_rejects_record_idx ON sync_rejects (stream, record_key)\n"
           "    WHERE record_key <> '';\n";
}

std::vector<std::string> sqliteTableColumns(const StreamSpec& spec, int child) {
    std::vector<std::string> out;
    const std::vector<Table> tables = streamTables(spec);  // kept: the loop reads into it
    for (const auto& c : tables.at(static_cast<std::size_t>(child + 1)).cols) out.push_back(c.name);
    return out;
}

std::string sqliteStreamTablesSql(const StreamSpec& spec) {
    std::string sql = "-- stream " + spec.name + " (" + syncModeName(spec.mode) + ")\n";
    for (const auto& t : streamTables(spec)) sql += createSql(t);
    return sql;
}

std::string sqliteSchemaSql(const std::vector<StreamSpec>& streams) {
    std::string sql = sqliteBookkeepingSql();
    for (const auto& s : streams) sql.append("\n").append(sqliteStreamTablesSql(s));
    return sql;
}

std::string sqliteSchemaChecksum(const std::vector<StreamSpec>& streams) {
    return sha1(sqliteSchemaSql(streams));
}

namespace {

// Column name -> declared type of an existing table (empty map: no such table).
std::map<std::string, std::string> columnsOf(SqliteDatabase& db, const std::string& table) {
    std::map<std::string, std::string> out;
    SqliteStatement st(db.handle(), "SELECT name, type FROM pragma_table_info(?)", db.path());
    st.bindText(1, table);
    while (st.step()) out[st.columnText(0)] = st.columnText(1);
    return out;
}

}  // namespace

SqliteMigration migrateSqlite(SqliteDatabase& db, const std::vector<StreamSpec>& streams) {
    SqliteMigration m;
    const std::string checksum = sqliteSchemaChecksum(streams);
    inSqliteTransaction(db, [&] {
        db.exec(sqliteBookkeepingSql(), "creating the bookkeeping tables");
        for (const auto& t : allStreamTables(streams)) {
            const auto existing = columnsOf(db, t.name);
            if (existing.empty()) {
                db.exec(createSql(t), "creating table " + t.name);
                m.created.push_back(t.name);
                continue;
            }
            for (const auto& c : t.cols) {
                if (existing.count(c.name)) continue;
                // ADD COLUMN cannot add NOT NULL without a default: old rows have no value.
                db.exec("ALTER TABLE " + quoteIdent(t.name) + " ADD COLUMN " + quoteIdent(c.name) +
                            " " + c.type,
                        "adding column " + t.name + "." + c.name);
                m.addedColumns.push_back(t.name + "." + c.name);
            }
        }
        const auto recorded = db.scalarText("SELECT checksum FROM sync_schema WHERE id = 1");
        m.changed = !recorded || *recorded != checksum;
        SqliteStatement st(db.handle(),
                           "INSERT INTO sync_schema (id, checksum) VALUES (1, ?) ON CONFLICT (id) "
                           "DO UPDATE SET checksum = excluded.checksum, migrated_at = " +
                               std::string(kNow),
                           db.path());
        st.bindText(1, checksum);
        st.step();
    });
    return m;
}

std::vector<std::string> sqliteSchemaDrift(SqliteDatabase& db, const std::vector<StreamSpec>& streams) {
    std::vector<std::string> out;
    if (!db.tableExists("sync_schema")) {
        out.push_back("the file has no schema yet: run `intouch-sync migrate`");
        return out;
    }
    for (const auto& t : allStreamTables(streams)) {
        const auto existing = columnsOf(db, t.name);
        if (existing.empty()) {
            out.push_back("table " + t.name + " is missing (run `intouch-sync migrate`)");
            continue;
        }
        std::set<std::string> named;
        for (const auto& c : t.cols) {
            named.insert(c.name);
            auto it = existing.find(c.name);
            if (it == existing.end())
                out.push_back("column " + t.name + "." + c.name + " is missing (run `intouch-sync migrate`)");
            else if (it->second != c.type)
                out.push_back("column " + t.name + "." + c.name + " is " + it->second +
                              ", the mapping needs " + c.type);
        }
        for (const auto& [name, type] : existing)
            if (!named.count(name))
                out.push_back("column " + t.name + "." + name + " is not in the mapping");
    }
    const auto recorded = db.scalarText("SELECT checksum FROM sync_schema WHERE id = 1");
    if (out.empty() && (!recorded || *recorded != sqliteSchemaChecksum(streams)))
        out.push_back("the schema was migrated from other mappings (checksum differs): run "
                      "`intouch-sync migrate`");
    return out;
}

void requireSqliteMigrated(SqliteDatabase& db) {
    if (!db.tableExists("sync_schema") || !db.tableExists("sync_state"))
        // A ConfigError (exit 2) as PostgreSQL's pending migrations: the fix is a command.
        throw ConfigError("SQLite database " + db.path() +
                          " has no intouch-sync schema: run `intouch-sync migrate` first");
}

}  // namespace intouch
