#include "sink/TableStatistics.hpp"

#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"

namespace intouch {

void analyzeStreamTables(pqxx::connection_base& conn, const std::string& schema,
                         const StreamSpec& spec, const std::string& after) {
    std::string sql = "ANALYZE ";
    sql.append(qualified(schema, spec.table));
    for (const auto& child : spec.children) sql.append(", ").append(qualified(schema, child.table));
    if (spec.history) {
        sql.append(", ").append(qualified(schema, historyTable(spec.table)));
        for (const auto& child : spec.children)
            sql.append(", ").append(qualified(schema, historyTable(child.table)));
    }
    try {
        pqxx::nontransaction tx(conn);
        tx.exec(sql);
    } catch (const pqxx::failure& e) {
        std::string message = "could not gather the planner's statistics of the tables ";
        message.append(after).append(" filled (autovacuum will)");
        log::warn(message, {{"stream", spec.name}, {"error", e.what()}});
    }
}

}  // namespace intouch
