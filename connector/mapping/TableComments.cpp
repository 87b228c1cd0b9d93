#include "mapping/TableComments.hpp"

#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {

void addMapped(TableComments& t, const std::vector<ColumnSpec>& columns) {
    for (const auto& c : columns) {
        const std::string text = decodedColumnComment(c, t.table + "_current");
        if (!text.empty()) t.columns.emplace_back(c.name, text);
    }
}

void addExtra(TableComments& t, const std::string& extraColumn) {
    if (extraColumn.empty()) return;
    t.columns.emplace_back(extraColumn,
                           "The fields of the CRM's JSON that no column maps, as a JSON object "
                           "(NULL when every field is mapped): nothing the CRM sends is dropped.");
}

TableComments parentComments(const StreamSpec& spec) {
    TableComments t{spec.table, spec.description, {}};
    addMapped(t, spec.columns);
    addExtra(t, spec.extraColumn);
    if (!spec.rawColumn.empty())
        t.columns.emplace_back(spec.rawColumn, "The whole record as the CRM sent it (keep_raw).");
    t.columns.emplace_back("record_hash",
                           "MD5 of the record's JSON as received: intouch-sync compares it to see "
                           "whether a record changed.");
    t.columns.emplace_back("synced_at", "When intouch-sync last wrote this row.");
    if (spec.mode == SyncMode::Incremental)
        t.columns.emplace_back(
            "deleted_at",
            "When intouch-sync found the record gone from the CRM (soft delete; the CRM has no "
            "deletion feed); NULL while it exists. " + spec.table +
                "_current leaves these rows out.");
    return t;
}

TableComments childComments(const StreamSpec& spec, const ChildSpec& child) {
    TableComments t{child.table, child.description, {}};
    const auto parentKeys = spec.childParentKeyColumns();
    for (std::size_t k = 0; k < parentKeys.size(); ++k)
        t.columns.emplace_back(parentKeys[k], "The " + spec.primaryKey[k] + " of the " +
                                                  spec.table + " row this row belongs to.");
    t.columns.emplace_back(kChildIndexColumn, "Position of the element in the record's " +
                                                  child.sourcePath +
                                                  " array (0-based, the CRM's order).");
    addMapped(t, child.columns);
    addExtra(t, child.extraColumn);
    return t;
}

// The version table of a table with history: its columns as documented there, then the
// version bookkeeping (docs/history.md).
TableComments historyComments(const TableComments& live, bool child) {
    TableComments t{historyTable(live.table),
                    "Every version of the rows of " + live.table +
                        " (history: true): valid_from to valid_to; " + live.table +
                        "_as_of(t) returns the rows valid at t.",
                    {}};
    t.columns.emplace_back(kHistoryIdColumn, "Order in which intouch-sync wrote the versions.");
    for (const auto& [column, comment] : live.columns)
        if (column != "record_hash" && column != "synced_at" && column != "deleted_at")
            t.columns.emplace_back(column, comment);
    t.columns.emplace_back("record_hash",
                           child ? "record_hash of the parent's version these rows belong to."
                                 : "record_hash of this version (differs between consecutive "
                                   "versions of a record).");
    t.columns.emplace_back(kValidFromColumn,
                           "When this version began: the record's modified (the run's time for "
                           "streams without one).");
    t.columns.emplace_back(kValidToColumn,
                           "When the next version began, or when the record was found deleted; "
                           "NULL while it is current.");
    return t;
}

}  // namespace

std::string decodedColumnComment(const ColumnSpec& c, const std::string& viewName) {
    if (c.decode.empty()) return c.description;
    std::string text = c.description;
    if (!text.empty() && text.back() != '.') text += '.';
    if (!text.empty()) text += ' ';
    return text + (c.codeSet ? "Codes" : "A code") + " of code list '" + c.decode +
           "' (the lists stream); decoded in " + viewName + "." + c.labelColumn() + ".";
}

std::vector<TableComments> tableComments(const StreamSpec& spec) {
    std::vector<TableComments> out{parentComments(spec)};
    for (const auto& child : spec.children) out.push_back(childComments(spec, child));
    if (spec.history) {
        const std::size_t live = out.size();
        for (std::size_t i = 0; i < live; ++i) out.push_back(historyComments(out[i], i > 0));
    }
    return out;
}

std::string commentOnTableSql(const std::string& table, const std::string& comment,
                              const char* kind) {
    return std::string("COMMENT ON ") + kind + " " + quoteIdent(table) + " IS " +
           (comment.empty() ? std::string("NULL") : quoteLiteral(comment)) + ";\n";
}

std::string commentOnColumnSql(const std::string& table, const std::string& column,
                               const std::string& comment) {
    return "COMMENT ON COLUMN " + quoteIdent(table) + "." + quoteIdent(column) + " IS " +
           (comment.empty() ? std::string("NULL") : quoteLiteral(comment)) + ";\n";
}

std::string commentsSql(const TableComments& t, const char* kind) {
    std::string sql;
    if (!t.comment.empty()) sql += commentOnTableSql(t.table, t.comment, kind);
    for (const auto& [column, comment] : t.columns)
        sql += commentOnColumnSql(t.table, column, comment);
    return sql;
}

}  // namespace intouch
