#include "mapping/CurrentView.hpp"

#include <utility>

#include "common/SqlIdentifier.hpp"
#include "mapping/Md5.hpp"

namespace intouch {

namespace {

// The label of one code (`code` is an SQL expression of type text).
std::string labelOf(const std::string& code, const std::string& list,
                    const std::optional<CodeListSource>& lists) {
    if (!lists) return "NULL::text";
    const CodeListSource& l = *lists;
    return "(SELECT l." + quoteIdent(l.labelColumn) + " FROM " + quoteIdent(l.itemsTable) +
           " l WHERE l." + quoteIdent(l.listColumn) + " = " + quoteLiteral(list) + " AND l." +
           quoteIdent(l.codeColumn) + " = " + code + " ORDER BY l." + quoteIdent(l.orderColumn) +
           " LIMIT 1)";
}

std::string labelExpression(const ColumnSpec& c, const std::optional<CodeListSource>& lists) {
    const std::string col = "t." + quoteIdent(c.name);
    if (!c.codeSet) return labelOf(col + "::text", c.decode, lists);
    const bool array = c.type.kind == ColumnKind::TextArray ||
                       c.type.kind == ColumnKind::BigIntArray;
    // Codes in their order; spaces around the commas of "c1, c7" are not part of a code.
    const std::string codes = array ? "unnest(" + col + ")" : "unnest(string_to_array(" + col +
                                                                  ", ','))";
    return "CASE WHEN " + col + " IS NULL THEN NULL ELSE ARRAY(SELECT " +
           labelOf("btrim(c.code::text)", c.decode, lists) + " FROM " + codes +
           " WITH ORDINALITY AS c(code, n) ORDER BY c.n) END";
}

// The select list as it grows: plain columns of the table and label expressions.
struct SelectList {
    std::vector<std::pair<std::string, std::string>> items;  // name, expression ("" = t.name)
    void column(const std::string& name) { items.emplace_back(name, ""); }
};

void addColumns(CurrentView& v, SelectList& select, const std::vector<ColumnSpec>& columns,
                const std::optional<CodeListSource>& lists) {
    for (const auto& c : columns) {
        select.column(c.name);
        if (c.decode.empty()) continue;
        const std::string label = c.labelColumn();
        select.items.emplace_back(label, labelExpression(c, lists));
        v.comments.columns.emplace_back(
            label, std::string(c.codeSet ? "Labels of the codes in " : "Label of the code in ") +
                       c.name + ", from code list '" + c.decode + "'" +
                       (c.codeSet ? " (in the codes' order; NULL for a code not in the list)"
                                  : " (NULL when the code is not in the list)") + ".");
    }
}

// The select list into SQL; the table's columns keep their comments in the view.
void finish(CurrentView& v, const SelectList& list, const std::string& from,
            const TableComments& table) {
    std::string select;
    for (const auto& [name, expr] : list.items) {
        select += (select.empty() ? "SELECT " : ",\n       ") +
                  (expr.empty() ? "t." + quoteIdent(name) : expr + " AS " + quoteIdent(name));
        v.columns.push_back(name);
        if (!expr.empty()) continue;
        for (const auto& [column, comment] : table.columns)
            if (column == name) v.comments.columns.emplace_back(column, comment);
    }
    v.selectSql = select + "\n" + from;
    v.fingerprint = md5Hex(v.selectSql).substr(0, 12);
    v.comments.table = v.name;
    // Appended piecewise: g++ 12 at -O3 reports a false -Wrestrict for "literal" + string
    // (GCC bug 105329).
    if (!v.comments.comment.empty()) v.comments.comment += ' ';
    v.comments.comment += viewFingerprintTag(v.fingerprint);
}

CurrentView parentView(const StreamSpec& spec, const std::optional<CodeListSource>& lists) {
    CurrentView v;
    v.name = spec.table + "_current";
    v.table = spec.table;
    const bool soft = spec.mode == SyncMode::Incremental;
    v.comments.comment = "The rows of " + spec.table +
                         (soft ? " that still exist in the CRM (deleted_at IS NULL)" : "") +
                         ", with the labels of coded columns." +
                         (spec.description.empty() ? "" : " " + spec.description);
    SelectList select;
    addColumns(v, select, spec.columns, lists);
    for (const auto& c : {spec.extraColumn, spec.rawColumn})
        if (!c.empty()) select.column(c);
    select.column("synced_at");
    finish(v, select,
           "FROM " + quoteIdent(spec.table) + " t" +
               (soft ? "\nWHERE t.\"deleted_at\" IS NULL" : ""),
           tableComments(spec).front());
    return v;
}

CurrentView childView(const StreamSpec& spec, std::size_t i,
                      const std::optional<CodeListSource>& lists) {
    const ChildSpec& child = spec.children[i];
    CurrentView v;
    v.name = child.table + "_current";
    v.table = child.table;
    const bool soft = spec.mode == SyncMode::Incremental;
    v.comments.comment = "The rows of " + child.table + (soft ? " whose " + spec.table +
                         " row still exists in the CRM" : std::string()) +
                         ", with the labels of coded columns." +
                         (child.description.empty() ? "" : " " + child.description);
    const auto parentKeys = spec.childParentKeyColumns();
    SelectList select;
    for (const auto& k : parentKeys) select.column(k);
    select.column(kChildIndexColumn);
    addColumns(v, select, child.columns, lists);
    if (!child.extraColumn.empty()) select.column(child.extraColumn);
    std::string from = "FROM " + quoteIdent(child.table) + " t";
    if (soft) {
        std::string match;
        for (std::size_t k = 0; k < parentKeys.size(); ++k)
            match += " AND p." + quoteIdent(spec.primaryKey[k]) + " = t." + quoteIdent(parentKeys[k]);
        from += "\nWHERE EXISTS (SELECT 1 FROM " + quoteIdent(spec.table) +
                " p WHERE p.\"deleted_at\" IS NULL" + match + ")";
    }
    finish(v, select, from, tableComments(spec)[1 + i]);
    return v;
}

}  // namespace

std::vector<CurrentView> currentViews(const StreamSpec& spec,
                                      const std::optional<CodeListSource>& lists) {
    std::vector<CurrentView> out{parentView(spec, lists)};
    for (std::size_t i = 0; i < spec.children.size(); ++i)
        out.push_back(childView(spec, i, lists));
    return out;
}

std::string viewFingerprintTag(const std::string& fingerprint) {
    return "(intouch-sync view " + fingerprint + ")";
}

std::string createViewSql(const CurrentView& view) {
    return "CREATE OR REPLACE VIEW " + quoteIdent(view.name) + " AS\n" + view.selectSql + ";\n" +
           commentsSql(view.comments, "VIEW");
}

}  // namespace intouch
