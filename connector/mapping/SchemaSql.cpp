#include "mapping/SchemaSql.hpp"

#include <algorithm>
#include <filesystem>

#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += "    " + lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
    return out;
}

std::string columnLine(const ColumnSpec& c) {
    return quoteIdent(c.name) + " " + c.type.sql() + (c.required ? " NOT NULL" : "");
}

// A child row's key: parent_<key> in the types of the parent's key, then idx.
std::vector<std::string> childKeyLines(const StreamSpec& spec) {
    const auto parentKeys = spec.childParentKeyColumns();
    std::vector<std::string> out;
    for (std::size_t k = 0; k < spec.primaryKey.size(); ++k) {
        const ColumnSpec* keyCol = spec.findColumn(spec.primaryKey[k]);
        out.push_back(quoteIdent(parentKeys[k]) + " " + (keyCol ? keyCol->type.sql() : "text") +
                      " NOT NULL");
    }
    out.push_back(quoteIdent(kChildIndexColumn) + " integer NOT NULL");
    return out;
}

}  // namespace

std::string createTablesSql(const StreamSpec& spec) {
    std::vector<std::string> lines;
    for (const auto& c : spec.columns) lines.push_back(columnLine(c));
    if (!spec.extraColumn.empty()) lines.push_back(quoteIdent(spec.extraColumn) + " jsonb");
    if (!spec.rawColumn.empty()) lines.push_back(quoteIdent(spec.rawColumn) + " jsonb NOT NULL");
    lines.push_back("\"record_hash\" text NOT NULL");
    lines.push_back("\"synced_at\" timestamptz NOT NULL DEFAULT now()");
    if (spec.mode == SyncMode::Incremental) lines.push_back("\"deleted_at\" timestamptz");
    lines.push_back("PRIMARY KEY (" + identList(spec.primaryKey) + ")");

    std::string sql = "-- stream " + spec.name + " (" + syncModeName(spec.mode) + ", " +
                      std::filesystem::path(spec.file).filename().string() + ")\n";
    sql +=
        "CREATE TABLE IF NOT EXISTS " + quoteIdent(spec.table) + " (\n" + joinLines(lines) + ");\n";

    const auto parentKeys = spec.childParentKeyColumns();
    for (const auto& child : spec.children) {
        std::vector<std::string> cl = childKeyLines(spec);
        for (const auto& c : child.columns) cl.push_back(columnLine(c));
        if (!child.extraColumn.empty()) cl.push_back(quoteIdent(child.extraColumn) + " jsonb");
        cl.push_back("PRIMARY KEY (" + identList(parentKeys) + ", " +
                     quoteIdent(kChildIndexColumn) + ")");
        cl.push_back("FOREIGN KEY (" + identList(parentKeys) + ") REFERENCES " +
                     quoteIdent(spec.table) + " (" + identList(spec.primaryKey) +
                     ") ON DELETE CASCADE");
        sql += "CREATE TABLE IF NOT EXISTS " + quoteIdent(child.table) + " (\n" + joinLines(cl) +
               ");\n";
    }
    return sql;
}

namespace {

// The version table of one table: its columns (`lines`, NOT NULL kept only on the key, so
// that a later mapping change never blocks old versions), then the version bookkeeping.
std::string historyTableSql(const std::string& table, std::vector<std::string> lines,
                            const std::vector<std::string>& key, bool oneOpenPerKey) {
    const std::string h = historyTable(table);
    lines.insert(lines.begin(), quoteIdent(kHistoryIdColumn) + " bigserial PRIMARY KEY");
    lines.push_back("\"record_hash\" text NOT NULL");
    lines.push_back(quoteIdent(kValidFromColumn) + " timestamptz NOT NULL");
    lines.push_back(quoteIdent(kValidToColumn) + " timestamptz");
    std::string sql = "CREATE TABLE IF NOT EXISTS " + quoteIdent(h) + " (\n" + joinLines(lines) + ");\n";
    // A record has at most one open version; a child's key is its parent's, whose open
    // version has many rows.
    sql += std::string(oneOpenPerKey ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " + quoteIdent(table + "_hist_open") + " ON " + quoteIdent(h) +
           " (" + identList(key) + ") WHERE " + quoteIdent(kValidToColumn) + " IS NULL;\n";
    sql += "CREATE INDEX IF NOT EXISTS " + quoteIdent(table + "_hist_key") + " ON " + quoteIdent(h) +
           " (" + identList(key) + ", " + quoteIdent(kValidFromColumn) + ");\n";
    // SET search_path FROM CURRENT: the function finds its table whatever the caller's path.
    sql += "CREATE OR REPLACE FUNCTION " + quoteIdent(table + "_as_of") + "(at timestamptz)\n" +
           "RETURNS SETOF " + quoteIdent(h) + " LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$\n" +
           "    SELECT * FROM " + quoteIdent(h) + " WHERE " + quoteIdent(kValidFromColumn) +
           " <= at AND (" + quoteIdent(kValidToColumn) + " IS NULL OR " + quoteIdent(kValidToColumn) +
           " > at)\n$$;\n";
    return sql;
}

std::string nullable(const ColumnSpec& c) {
    return quoteIdent(c.name) + " " + c.type.sql();
}

}  // namespace

std::string historyTablesSql(const StreamSpec& spec) {
    if (!spec.history) return "";
    std::vector<std::string> lines;
    for (const auto& c : spec.columns) {
        const bool key = std::find(spec.primaryKey.begin(), spec.primaryKey.end(), c.name) !=
                         spec.primaryKey.end();
        lines.push_back(key ? columnLine(c) : nullable(c));
    }
    if (!spec.extraColumn.empty()) lines.push_back(quoteIdent(spec.extraColumn) + " jsonb");
    if (!spec.rawColumn.empty()) lines.push_back(quoteIdent(spec.rawColumn) + " jsonb");
    std::string sql = "-- history of stream " + spec.name + "\n" +
                      historyTableSql(spec.table, lines, spec.primaryKey, true);
    const auto parentKeys = spec.childParentKeyColumns();
    for (const auto& child : spec.children) {
        std::vector<std::string> cl = childKeyLines(spec);
        for (const auto& c : child.columns) cl.push_back(nullable(c));
        if (!child.extraColumn.empty()) cl.push_back(quoteIdent(child.extraColumn) + " jsonb");
        sql += historyTableSql(child.table, cl, parentKeys, false);
    }
    return sql;
}

std::string historyTablesMigration(const std::vector<StreamSpec>& streams) {
    std::string out =
        "-- GENERATED from the mappings with `history: true` by historyTablesSql()\n"
        "-- (connector/mapping/SchemaSql.cpp). Do not edit by hand: regenerate with\n"
        "--   INTOUCH_WRITE_MIGRATION=1 mapping_tests "
        "--gtest_filter=ShippedMappings.HistoryMigrationMatchesMappings\n"
        "-- Every version of a record: the table's columns, record_hash, valid_from (the\n"
        "-- version's modified, or the run's time for full-replace streams) and valid_to (NULL\n"
        "-- while current); <table>_as_of(t) returns the versions valid at t.\n";
    for (const auto& s : streams) {
        if (!s.history) continue;
        out += '\n';
        out += historyTablesSql(s);
    }
    return out;
}

std::string streamTablesMigration(const std::vector<StreamSpec>& streams) {
    std::string out =
        "-- GENERATED from mappings/*.yaml by createTablesSql() "
        "(connector/mapping/SchemaSql.cpp).\n"
        "-- Do not edit by hand: change the mapping files, then regenerate with\n"
        "--   INTOUCH_WRITE_MIGRATION=1 mapping_tests "
        "--gtest_filter=ShippedMappings.MigrationMatchesMappings\n"
        "-- That test fails whenever this file and the mappings differ.\n"
        "-- Tables: mapped columns in mapping order, extra/raw jsonb, then record_hash,\n"
        "-- synced_at and (incremental streams) deleted_at; child tables are keyed by\n"
        "-- parent_<key> and idx and cascade from their parent.\n";
    for (const auto& s : streams) {
        out += '\n';
        out += createTablesSql(s);
    }
    return out;
}

}  // namespace intouch
