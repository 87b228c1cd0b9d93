#include "support/PgQuery.hpp"

#include <pqxx/pqxx>

namespace intouch::testsupport::pg {

void exec(const std::string& dsn, const std::string& sql) {
    pqxx::connection connection(dsn);
    pqxx::nontransaction tx(connection);
    tx.exec(sql);
}

Rows queryRows(const std::string& dsn, const std::string& sql) {
    pqxx::connection connection(dsn);
    pqxx::nontransaction tx(connection);
    const pqxx::result result = tx.exec(sql);
    Rows rows;
    rows.reserve(result.size());
    for (const auto& row : result) {
        Row values;
        values.reserve(row.size());
        for (const auto& field : row) {
            if (field.is_null()) {
                values.emplace_back(std::nullopt);
            } else {
                values.emplace_back(std::string(field.c_str(), field.size()));
            }
        }
        rows.push_back(std::move(values));
    }
    return rows;
}

std::optional<std::string> queryScalarText(const std::string& dsn, const std::string& sql) {
    Rows rows = queryRows(dsn, sql);
    if (rows.size() != 1 || rows.front().size() != 1) {
        throw std::runtime_error(
            "queryScalar: expected 1 row x 1 column, got " + std::to_string(rows.size()) + " rows" +
            (rows.empty() ? "" : " x " + std::to_string(rows[0].size()) + " columns") +
            " from: " + sql);
    }
    return rows.front().front();
}

}  // namespace intouch::testsupport::pg
