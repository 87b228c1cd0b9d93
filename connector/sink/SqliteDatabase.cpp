#include "sink/SqliteDatabase.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "common/Errors.hpp"

namespace intouch {

namespace {

std::string advice(int rc) {
    switch (rc & 0xff) {
        case SQLITE_FULL:
            return " (the disk is full: free space and run again; the last committed page and "
                   "its checkpoint are intact)";
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_CANTOPEN:
            return " (the file or its directory cannot be written: the connector needs write "
                   "access to both, for the file and its -wal/-shm companions)";
        case SQLITE_NOTADB:
            return " (this file is not a SQLite database: point target.sqlite at a new file "
                   "name or at a database an earlier sync made)";
        case SQLITE_CORRUPT:
            return " (the database file is damaged: restore it from a copy or start a new file)";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return " (another process holds the database's write lock)";
        default:
            return "";
    }
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, const std::string& sql, const std::string& path)
    : db_(db), path_(path) {
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK)
        throw TargetError("SQLite " + path_ + ": preparing a statement failed: " +
                          sqlite3_errmsg(db_) + advice(rc) + "\n  " + sql);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, const SqliteValue& v) {
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v))
        rc = sqlite3_bind_null(stmt_, index);
    else if (const auto* i = std::get_if<std::int64_t>(&v))
        rc = sqlite3_bind_int64(stmt_, index, *i);
    else if (const auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(stmt_, index, *d);
    else {
        const std::string& s = std::get<std::string>(v);
        // SQLITE_TRANSIENT: the text is copied, the caller's buffer may go.
        rc = sqlite3_bind_text64(stmt_, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK)
        throw TargetError("SQLite " + path_ + ": binding a value failed: " + sqlite3_errmsg(db_));
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw TargetError("SQLite " + path_ + ": " + msg + advice(rc));
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::columnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::columnText(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!p) return {};
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

SqliteDatabase::SqliteDatabase(const std::string& path, bool mustExist) : path_(path) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    std::error_code ec;
    if (mustExist && !std::filesystem::exists(path_, ec))
        throw ConfigError("SQLite database " + path_ +
                          " does not exist: run `intouch-sync migrate` to create it");
    if (std::filesystem::is_directory(path_, ec))
        throw TargetError("target.sqlite " + path_ + " is a directory; name a file");
    try {
        session_ = std::make_unique<Poco::Data::Session>("SQLite", path_);
    } catch (const std::exception& e) {
        throw TargetError("cannot open SQLite database " + path_ + ": " + e.what() +
                          advice(SQLITE_CANTOPEN));
    }
    db_ = Poco::Data::SQLite::Utility::dbHandle(*session_);
    // Reading the schema is the first access: a file that is not a database fails here.
    exec("PRAGMA busy_timeout = 10000; SELECT count(*) FROM sqlite_schema;", "opening");
    if (sqlite3_db_readonly(db_, "main") == 1)
        throw TargetError("SQLite database " + path_ + " is read-only" + advice(SQLITE_READONLY));
    exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
         "opening");
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::fail(const std::string& what, int rc) const {
    throw TargetError("SQLite database " + path_ + ": " + (what.empty() ? "" : what + ": ") +
                      sqlite3_errmsg(db_) + advice(rc));
}

void SqliteDatabase::exec(const std::string& sql, const std::string& what) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw TargetError("SQLite database " + path_ + ": " + (what.empty() ? "" : what + ": ") +
                          msg + advice(rc));
    }
}

std::optional<std::string> SqliteDatabase::scalarText(const std::string& sql) {
    SqliteStatement st(db_, sql, path_);
    if (!st.step() || st.isNull(0)) return std::nullopt;
    return st.columnText(0);
}

std::int64_t SqliteDatabase::scalarInt(const std::string& sql) {
    SqliteStatement st(db_, sql, path_);
    return st.step() ? st.columnInt(0) : 0;
}

bool SqliteDatabase::tableExists(const std::string& table) {
    SqliteStatement st(db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", path_);
    st.bindText(1, table);
    return st.step();
}

void SqliteDatabase::begin() { exec("BEGIN IMMEDIATE", "starting a transaction"); }
void SqliteDatabase::commit() { exec("COMMIT", "committing"); }
void SqliteDatabase::rollback() noexcept {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace intouch
