#include "sink/SchemaDrift.hpp"

#include <map>
#include <set>

#include "common/SqlIdentifier.hpp"
#include "mapping/SchemaSql.hpp"

namespace intouch {

namespace {

struct ExpectedColumn {
    std::string name;
    std::string type;  // canonical
};

// The layout docs/mapping-language.md promises: mapped columns, extra, raw, system columns.
std::vector<ExpectedColumn> parentColumns(const StreamSpec& spec) {
    std::vector<ExpectedColumn> out;
    for (const auto& c : spec.columns) out.push_back({c.name, canonicalSqlType(c.type.sql())});
    if (!spec.extraColumn.empty()) out.push_back({spec.extraColumn, "jsonb"});
    if (!spec.rawColumn.empty()) out.push_back({spec.rawColumn, "jsonb"});
    out.push_back({"record_hash", "text"});
    out.push_back({"synced_at", "timestamp with time zone"});
    if (spec.mode == SyncMode::Incremental) out.push_back({"deleted_at", "timestamp with time zone"});
    return out;
}

std::vector<ExpectedColumn> childColumns(const StreamSpec& spec, std::size_t i) {
    std::vector<ExpectedColumn> out;
    const auto parentKeys = spec.childParentKeyColumns();
    for (std::size_t k = 0; k < spec.primaryKey.size(); ++k) {
        const ColumnSpec* key = spec.findColumn(spec.primaryKey[k]);
        out.push_back({parentKeys[k], key ? canonicalSqlType(key->type.sql()) : "bigint"});
    }
    out.push_back({"idx", "integer"});
    const ChildSpec& child = spec.children[i];
    for (const auto& c : child.columns) out.push_back({c.name, canonicalSqlType(c.type.sql())});
    if (!child.extraColumn.empty()) out.push_back({child.extraColumn, "jsonb"});
    return out;
}

void compareTable(pqxx::transaction_base& tx, const std::string& schema, const std::string& table,
                  const std::vector<ExpectedColumn>& expected, std::vector<DriftItem>& out) {
    auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", qualified(schema, table));
    if (!exists[0][0].as<bool>()) {
        out.push_back({DriftItem::Kind::MissingTable, table, "", "", ""});
        return;
    }
    std::map<std::string, std::string> actual;
    for (const auto& row : tx.exec_params(
             "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
             "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
             qualified(schema, table)))
        actual[row[0].c_str()] = row[1].c_str();
    std::set<std::string> wanted;
    for (const auto& e : expected) {
        wanted.insert(e.name);
        auto it = actual.find(e.name);
        if (it == actual.end())
            out.push_back({DriftItem::Kind::MissingColumn, table, e.name, e.type, ""});
        else if (it->second != e.type)
            out.push_back({DriftItem::Kind::TypeMismatch, table, e.name, e.type, it->second});
    }
    for (const auto& [name, type] : actual)
        if (!wanted.count(name)) out.push_back({DriftItem::Kind::ExtraColumn, table, name, "", type});
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
    }
    return {};
}

std::vector<DriftItem> findSchemaDrift(pqxx::transaction_base& tx, const std::string& schema,
                                       const StreamSpec& spec) {
    std::vector<DriftItem> out;
    compareTable(tx, schema, spec.table, parentColumns(spec), out);
    for (std::size_t i = 0; i < spec.children.size(); ++i)
        compareTable(tx, schema, spec.children[i].table, childColumns(spec, i), out);
    return out;
}

std::string planMigrationSql(const StreamSpec& spec, const std::vector<DriftItem>& drift) {
    std::string sql;
    bool createAll = false;
    for (const auto& d : drift)
        if (d.kind == DriftItem::Kind::MissingTable) createAll = true;
    if (createAll) {
        // CREATE TABLE IF NOT EXISTS leaves existing tables alone.
        sql += createTablesSql(spec);
    }
    for (const auto& d : drift) {
        switch (d.kind) {
            case DriftItem::Kind::MissingTable: break;
            case DriftItem::Kind::MissingColumn:
                sql += "ALTER TABLE " + quoteIdent(d.table) + " ADD COLUMN " + quoteIdent(d.column) + " " +
                       d.expectedType + ";\n";
                break;
            case DriftItem::Kind::TypeMismatch:
                sql += "ALTER TABLE " + quoteIdent(d.table) + " ALTER COLUMN " + quoteIdent(d.column) + " TYPE " +
                       d.expectedType + " USING " + quoteIdent(d.column) + "::" + d.expectedType + ";\n";
                break;
            case DriftItem::Kind::ExtraColumn:
                sql += "-- " + d.describe() + "\n";
                break;
        }
    }
    return sql;
}

}  // namespace intouch
