#include "sink/WarehouseObjects.hpp"

#include <map>

#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "mapping/TableComments.hpp"
#include "sink/SchemaDrift.hpp"

namespace intouch {

namespace {

// A relation's comments as the database has them.
struct LiveComments {
    bool exists = false;
    bool isView = false;
    std::string comment;
    std::map<std::string, std::string> columns;  // every column; "" = no comment
};

LiveComments liveComments(pqxx::transaction_base& tx, const std::string& schema,
                          const std::string& relation) {
    LiveComments live;
    auto rel = tx.exec_params(
        "SELECT c.relkind::text, coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
        schema, relation);
    if (rel.empty()) return live;
    live.exists = true;
    live.isView = std::string(rel[0][0].c_str()) == "v";
    live.comment = rel[0][1].c_str();
    for (const auto& row : tx.exec_params(
             "SELECT a.attname, coalesce(col_description(a.attrelid, a.attnum), '') "
             "FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 "
             "AND NOT a.attisdropped",
             qualified(schema, relation)))
        live.columns[row[0].c_str()] = row[1].c_str();
    return live;
}

// Comments the mapping gives that the relation lacks; a comment of the user's own on
// something the mapping does not describe is left alone.
void compareComments(const LiveComments& live, const TableComments& want, bool onView,
                     std::vector<WarehouseDrift>& out) {
    const auto kind = WarehouseDrift::Kind::Comment;
    if (!want.comment.empty() && live.comment != want.comment)
        out.push_back({kind, want.table, "", want.comment, onView});
    for (const auto& [column, comment] : want.columns) {
        auto it = live.columns.find(column);
        if (it != live.columns.end() && it->second != comment)
            out.push_back({kind, want.table, column, comment, onView});
    }
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void compareView(pqxx::transaction_base& tx, const std::string& schema, const CurrentView& view,
                 std::vector<WarehouseDrift>& out) {
    const LiveComments live = liveComments(tx, schema, view.name);
    if (!live.exists) {
        out.push_back({WarehouseDrift::Kind::MissingView, view.name, "", "", true});
        return;
    }
    if (!live.isView || !endsWith(live.comment, viewFingerprintTag(view.fingerprint))) {
        out.push_back({WarehouseDrift::Kind::OutdatedView, view.name, "", "", true});
        return;
    }
    compareComments(live, view.comments, true, out);
}

}  // namespace

std::string WarehouseDrift::describe() const {
    const std::string what = column.empty() ? relation : relation + "." + column;
    switch (kind) {
        case Kind::Comment:
            return "the comment on " + what +
                   " is not the mapping's description (`intouch-sync migrate` sets it)";
        case Kind::MissingView:
            return "view " + relation + " does not exist (`intouch-sync migrate` creates it)";
        case Kind::OutdatedView:
            return "view " + relation +
                   " is out of step with the mappings (`intouch-sync migrate` replaces it)";
    }
    return {};
}

std::vector<WarehouseDrift> findWarehouseDrift(pqxx::transaction_base& tx,
                                               const std::string& schema,
                                               const StreamSpec& spec,
                                               const std::optional<CodeListSource>& lists) {
    std::vector<WarehouseDrift> out;
    for (const auto& want : tableComments(spec)) {
        const LiveComments live = liveComments(tx, schema, want.table);
        if (live.exists) compareComments(live, want, false, out);
    }
    for (const auto& view : currentViews(spec, lists)) compareView(tx, schema, view, out);
    return out;
}

std::string commentRepairSql(const std::vector<WarehouseDrift>& drift, bool views) {
    std::string sql;
    for (const auto& d : drift) {
        if (d.kind != WarehouseDrift::Kind::Comment || d.onView != views) continue;
        sql += d.column.empty() ? commentOnTableSql(d.relation, d.expected, views ? "VIEW" : "TABLE")
                                : commentOnColumnSql(d.relation, d.column, d.expected);
    }
    return sql;
}

}  // namespace intouch
