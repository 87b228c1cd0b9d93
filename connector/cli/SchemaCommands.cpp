#include "cli/SchemaCommands.hpp"

#include <cstdio>

#include "sink/SchemaDrift.hpp"

namespace intouch {

std::size_t printSchemaDrift(pqxx::connection_base& conn, const std::string& schema,
                             const std::vector<StreamSpec>& streams) {
    pqxx::work tx(conn);
    std::size_t breaking = 0, exposing = 0;
    for (const auto& spec : streams) {
        auto drift = findSchemaDrift(tx, schema, spec);
        if (drift.empty()) {
            std::printf("table %s.%s: matches mapping %s\n", schema.c_str(), spec.table.c_str(), spec.file.c_str());
            continue;
        }
        for (const auto& d : drift) {
            const bool counts = d.breaksWrites() || d.exposesPersonalData();
            std::printf("%s: %s\n", counts ? "DRIFT" : "note", d.describe().c_str());
            if (d.breaksWrites()) ++breaking;
            if (d.exposesPersonalData()) ++exposing;
        }
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
                     const std::vector<StreamSpec>& streams) {
    pqxx::work tx(conn);
    std::string sql;
    for (const auto& spec : streams) {
        auto drift = findSchemaDrift(tx, schema, spec);
        if (!drift.empty()) sql += "-- stream " + spec.name + " (" + spec.file + ")\n" + planMigrationSql(spec, drift);
    }
    if (sql.empty()) {
        std::fprintf(stderr, "schema %s matches the mappings; nothing to migrate\n", schema.c_str());
        return;
    }
    std::printf("-- Save as the next numbered file in migrations/, review, then run `intouch-sync migrate`.\n%s",
                sql.c_str());
}

}  // namespace intouch
