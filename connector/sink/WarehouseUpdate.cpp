// updateWarehouseObjects (sink/WarehouseObjects.hpp): what `migrate` does after the
// numbered migrations.

#include <algorithm>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/SchemaDrift.hpp"
#include "sink/WarehouseObjects.hpp"

namespace intouch {

namespace {

// Why the stream's objects cannot be made now, or "".
std::string blocker(pqxx::transaction_base& tx, const std::string& schema, const StreamSpec& spec,
                    const std::optional<CodeListSource>& lists) {
    for (const auto& d : findSchemaDrift(tx, schema, spec))
        if (d.kind == DriftItem::Kind::MissingTable || d.kind == DriftItem::Kind::MissingColumn)
            return d.describe() + " — `intouch-sync plan` prints the migration that adds it";
    if (lists && decodesAnything(spec)) {
        auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL",
                                     qualified(schema, lists->itemsTable));
        if (!exists[0][0].as<bool>())
            return "the code list table " + lists->itemsTable +
                   " does not exist — migrate the lists stream's tables first";
    }
    return "";
}

// CREATE OR REPLACE keeps whatever depends on the view, but cannot drop, rename or
// reorder its columns: then the view is dropped and created (which fails, naming them,
// if views of the user's own depend on it).
void replaceView(pqxx::dbtransaction& tx, const CurrentView& view) {
    const std::string create =
        "CREATE OR REPLACE VIEW " + quoteIdent(view.name) + " AS\n" + view.selectSql;
    bool replaced = false;
    try {
        pqxx::subtransaction sub(tx, "replace_view");
        sub.exec(create);
        sub.commit();
        replaced = true;
    } catch (const pqxx::sql_error&) {
    }
    if (!replaced) {
        tx.exec("DROP VIEW IF EXISTS " + quoteIdent(view.name));
        tx.exec(create);
    }
    tx.exec(commentsSql(view.comments, "VIEW"));
}

void updateStream(pqxx::dbtransaction& tx, const std::string& schema, const StreamSpec& spec,
                  const std::optional<CodeListSource>& lists, WarehouseUpdate& result) {
    const auto drift = findWarehouseDrift(tx, schema, spec, lists);
    const std::string comments = commentRepairSql(drift);
    if (!comments.empty()) tx.exec(comments);
    for (const auto& view : currentViews(spec, lists)) {
        const auto of = [&](const WarehouseDrift& d) { return d.relation == view.name; };
        const bool stale = std::any_of(drift.begin(), drift.end(), [&](const WarehouseDrift& d) {
            return of(d) && d.kind != WarehouseDrift::Kind::Comment;
        });
        if (stale) {
            replaceView(tx, view);
            result.views.push_back(view.name);
            continue;
        }
        std::vector<WarehouseDrift> own;
        for (const auto& d : drift)
            if (of(d)) own.push_back(d);
        const std::string sql = commentRepairSql(own, true);
        if (!sql.empty()) tx.exec(sql);
        result.comments += own.size();
    }
    for (const auto& d : drift)
        if (d.kind == WarehouseDrift::Kind::Comment && !d.onView) ++result.comments;
}

}  // namespace

WarehouseUpdate updateWarehouseObjects(pqxx::connection_base& conn, const std::string& schema,
                                       const std::vector<StreamSpec>& streams,
                                       const std::optional<CodeListSource>& lists) {
    WarehouseUpdate result;
    for (const auto& spec : streams) {
        try {
            pqxx::work tx(conn);
            tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                           "intouch-sync:migrate:" + schema);
            tx.exec("SET LOCAL search_path TO " + quoteIdent(schema));
            if (auto why = blocker(tx, schema, spec, lists); !why.empty()) {
                result.skipped.push_back(spec.name + ": " + why);
                continue;
            }
            updateStream(tx, schema, spec, lists, result);
            tx.commit();
        } catch (const pqxx::sql_error& e) {
            result.skipped.push_back(spec.name + ": " + e.what());
        }
    }
    for (const auto& s : result.skipped)
        log::warn("comments and views not updated", {{"stream", s}, {"schema", schema}});
    return result;
}

}  // namespace intouch
