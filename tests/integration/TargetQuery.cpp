#include "TargetQuery.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include "support/PgQuery.hpp"

namespace intouch::itest {

namespace {

std::string withoutSchema(std::string sql) {
    for (std::size_t p = sql.find("intouch."); p != std::string::npos; p = sql.find("intouch.", p))
        sql.erase(p, 8);
    return sql;
}

std::vector<TargetRow> sqliteRows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string e = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw std::runtime_error("open " + path + ": " + e);
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string e = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("SQLite: " + e + ": " + sql);
    }
    std::vector<TargetRow> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        TargetRow row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            if (p)
                row.emplace_back(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
            else
                row.emplace_back(std::nullopt);
        }
        out.push_back(std::move(row));
    }
    std::string e = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (!e.empty()) throw std::runtime_error("SQLite: " + e + ": " + sql);
    return out;
}

}  // namespace

std::vector<TargetRow> targetRows(const SyncWorld& world, const std::string& sql) {
    if (world.sqlite()) return sqliteRows(world.sqlitePath().string(), withoutSchema(sql));
    std::vector<TargetRow> out;
    for (auto& row : ts::pg::queryRows(world.dsn(), sql)) out.emplace_back(row.begin(), row.end());
    return out;
}

void targetExec(const SyncWorld& world, const std::string& sql) {
    if (!world.sqlite()) {
        ts::pg::exec(world.dsn(), sql);
        return;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(world.sqlitePath().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("open " + world.sqlitePath().string());
    }
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, withoutSchema(sql).c_str(), nullptr, nullptr, &err);
    std::string e = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("SQLite: " + e + ": " + sql);
}

long long targetCount(const SyncWorld& world, const std::string& sqlFromWhere) {
    const auto rows = targetRows(world, "SELECT count(*) " + sqlFromWhere);
    return std::stoll(rows.at(0).at(0).value_or("0"));
}

std::string textOf(const SyncWorld& world, const std::string& expr) {
    return world.sqlite() ? "CAST(" + expr + " AS TEXT)" : expr + "::text";
}

std::string trueText(const SyncWorld& world) { return world.sqlite() ? "1" : "t"; }

}  // namespace intouch::itest
