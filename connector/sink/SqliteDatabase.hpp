#pragma once
// The SQLite target file (`target: {sqlite: PATH}`), opened through Poco Data's SQLite
// connector: WAL journal (a reader never blocks the writer, a commit is one fsync of the
// log), foreign keys on (children cascade from their parent as in PostgreSQL), a busy
// timeout (a second process waits for the write lock instead of failing at once).
//
// The writer's statements run on the sqlite3 handle Poco Data opened
// (Poco::Data::SQLite::Utility::dbHandle): a mapping's columns are known only at run
// time, each value has its own type and may be NULL, and Poco Data's binding is by a
// C++ variable of a fixed type per placeholder; one prepared statement with typed
// sqlite3_bind_* per value keeps integers INTEGER and decimals exact TEXT, and is
// prepared once per page instead of once per row.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace Poco::Data {
class Session;
}

namespace intouch {

// One value as SQLite stores it: NULL, INTEGER, REAL or TEXT.
using SqliteValue = std::variant<std::monostate, std::int64_t, double, std::string>;

class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, const std::string& sql, const std::string& path);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int index, const SqliteValue& v);  // 1-based
    void bindText(int index, const std::string& text) { bind(index, SqliteValue{text}); }
    void bindInt(int index, std::int64_t v) { bind(index, SqliteValue{v}); }
    void bindNull(int index) { bind(index, SqliteValue{}); }
    // True when a row is there; false when done. Throws TargetError naming the file.
    bool step();
    // Done with one execution: bindings cleared, ready to run again.
    void reset();
    bool isNull(int column) const;
    std::int64_t columnInt(int column) const;
    std::string columnText(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string path_;
};

class SqliteDatabase {
public:
    // Opens (creating when missing; with mustExist a missing file is a ConfigError saying to
    // run migrate) the file. A file that is not a SQLite database, or that cannot be
    // written, is a TargetError naming the path.
    explicit SqliteDatabase(const std::string& path, bool mustExist = false);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }
    // One or more statements without parameters; errors are TargetErrors saying `what`.
    void exec(const std::string& sql, const std::string& what = "");
    std::optional<std::string> scalarText(const std::string& sql);
    std::int64_t scalarInt(const std::string& sql);
    bool tableExists(const std::string& table);

    // BEGIN IMMEDIATE: takes the write lock at once (busy_timeout waits for another
    // writer), so a transaction never fails half-way on a lock upgrade.
    void begin();
    void commit();
    void rollback() noexcept;

    // A TargetError for an SQLite result code, naming the file and saying what to do
    // (full disk, read-only, not a database, locked).
    [[noreturn]] void fail(const std::string& what, int rc) const;

private:
    std::string path_;
    std::unique_ptr<Poco::Data::Session> session_;
    sqlite3* db_ = nullptr;
};

// Runs `steps` in one write transaction: committed when they return, rolled back when
// they throw.
template <class F>
auto inSqliteTransaction(SqliteDatabase& db, F&& steps) {
    db.begin();
    try {
        if constexpr (std::is_void_v<decltype(steps())>) {
            steps();
            db.commit();
        } else {
            auto result = steps();
            db.commit();
            return result;
        }
    } catch (...) {
        db.rollback();
        throw;
    }
}

}  // namespace intouch
