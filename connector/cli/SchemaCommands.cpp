#include "cli/SchemaCommands.hpp"

#include <cstdio>

#include "mapping/TableComments.hpp"
#include "sink/SchemaDrift.hpp"
#include "sink/WarehouseObjects.hpp"

namespace intouch {

namespace {

// Comments and views do not affect writes, so their differences are notes.
void printWarehouseDrift(pqxx::transaction_base& tx, const std::string& schema,
                         const StreamSpec& spec, const std::optional<CodeListSource>& lists) {
    for (const auto& d : findWarehouseDrift(tx, schema, spec, lists))
        std::printf("note: %s\n", d.describe().c_str());
}

bool addsColumns(const std::vector<DriftItem>& drift) {
    for (const auto& d : drift)
        if (d.kind == DriftItem::Kind::MissingTable || d.kind == DriftItem::Kind::MissingColumn)
            return true;
    return false;
}

// A table or column the plan adds has no comment yet: then every comment of the stream's
// tables follows the plan's DDL (setting one that is already there changes nothing).
std::string allComments(const StreamSpec& spec) {
    std::string sql;
    for (const auto& t : tableComments(spec)) sql += commentsSql(t);
    return sql;
}

}  // namespace

std::size_t printSchemaDrift(pqxx::connection_base& conn, const std::string& schema,
                             const std::vector<StreamSpec>& streams,
                             const std::optional<CodeListSource>& lists) {
    pqxx::work tx(conn);
    std::size_t breaking = 0, exposing = 0;
    for (const auto& spec : streams) {
        auto drift = findSchemaDrift(tx, schema, spec);
        if (drift.empty())
            std::printf("table %s.%s: matches mapping %s\n", schema.c_str(), spec.table.c_str(),
                        spec.file.c_str());
        for (const auto& d : drift) {
            const bool counts = d.breaksWrites() || d.exposesPersonalData();
            std::printf("%s: %s\n", counts ? "DRIFT" : "note", d.describe().c_str());
            if (d.breaksWrites()) ++breaking;
            if (d.exposesPersonalData()) ++exposing;
        }
        printWarehouseDrift(tx, schema, spec, lists);
    }
    if (breaking)
        std::printf("%zu difference(s) between the mappings and schema %s would make writes fail; "
                    "`intouch-sync plan --config FILE` prints the SQL to save as the next file in migrations/\n",
                    breaking, schema.c_str());
    if (exposing)
        std::printf("%zu column(s) of schema %s hold personal data the mappings exclude or hash; "
                    "`intouch-sync plan --config FILE` prints the SQL that removes it\n",
                    exposing, schema.c_str());
    return breaking + exposing;
}

void printSchemaPlan(pqxx::connection_base& conn, const std::string& schema,
                     const std::vector<StreamSpec>& streams,
                     const std::optional<CodeListSource>& lists) {
    pqxx::work tx(conn);
    std::string sql, views;
    for (const auto& spec : streams) {
        auto drift = findSchemaDrift(tx, schema, spec);
        std::string stream = drift.empty() ? "" : planMigrationSql(spec, drift);
        const auto live = findWarehouseDrift(tx, schema, spec, lists);
        stream += addsColumns(drift) ? allComments(spec) : commentRepairSql(live);
        if (!stream.empty()) sql += "-- stream " + spec.name + " (" + spec.file + ")\n" + stream;
        for (const auto& d : live)
            if (d.kind != WarehouseDrift::Kind::Comment) views += "--   " + d.describe() + "\n";
    }
    if (sql.empty()) {
        std::fprintf(stderr, "schema %s matches the mappings; nothing to migrate\n", schema.c_str());
        if (!views.empty())
            std::fprintf(stderr, "views: run `intouch-sync migrate` to make them:\n%s", views.c_str());
        return;
    }
    std::printf("-- Save as the next numbered file in migrations/, review, then run `intouch-sync migrate`.\n%s",
                sql.c_str());
    if (!views.empty())
        std::printf("-- `intouch-sync migrate` makes the current views after the migration files:\n%s",
                    views.c_str());
}

}  // namespace intouch
