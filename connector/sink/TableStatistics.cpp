#include "sink/TableStatistics.hpp"

#include <vector>

#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {

std::vector<std::string> plus(std::vector<std::string> columns, const char* column) {
    columns.emplace_back(column);
    return columns;
}

}  // namespace

void analyzeStreamTables(pqxx::connection_base& conn, const std::string& schema,
                         const StreamSpec& spec, const std::string& after) {
    std::string sql = "ANALYZE ";
    bool first = true;
    auto add = [&](const std::string& table, const std::vector<std::string>& columns) {
        if (!first) sql.append(", ");
        first = false;
        sql.append(qualified(schema, table)).append(" (").append(identList(columns)).append(")");
    };
    const std::vector<std::string> parentKey = spec.childParentKeyColumns();
    add(spec.table, spec.primaryKey);
    for (const auto& child : spec.children) add(child.table, plus(parentKey, kChildIndexColumn));
    if (spec.history) {
        add(historyTable(spec.table), plus(spec.primaryKey, kValidToColumn));
        for (const auto& child : spec.children)
            add(historyTable(child.table), plus(parentKey, kValidToColumn));
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
