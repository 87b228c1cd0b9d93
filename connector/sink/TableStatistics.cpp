#include "sink/TableStatistics.hpp"

#include <vector>

#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {

// A sample of 300 x 10 rows instead of 300 x 100: enough to tell a key from a parent key and
// how many versions are open, and the sample (which reads and hint-bits up to that many
// pages of freshly loaded tables) is most of an ANALYZE's cost: 58 ms instead of 261 ms for
// 200 000 parties and their 500 000 contacts (bench/README.md).
constexpr int kKeyStatisticsTarget = 10;

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
        pqxx::work tx(conn);
        tx.exec("SET LOCAL default_statistics_target = " + std::to_string(kKeyStatisticsTarget));
        tx.exec(sql);
        tx.commit();
    } catch (const pqxx::failure& e) {
        std::string message = "could not gather the planner's statistics of the tables ";
        message.append(after).append(" filled (autovacuum will)");
        log::warn(message, {{"stream", spec.name}, {"error", e.what()}});
    }
}

}  // namespace intouch
