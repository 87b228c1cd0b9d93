#pragma once
// The PostgreSQL side as a resource: connecting (with errors that name the
// target but never its password), checking it is migrated, and the per-stream
// advisory lock that keeps two runs from interleaving pages of one stream.

#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace intouch {

class StreamLock {
public:
    StreamLock(pqxx::connection_base& conn, std::string key) : conn_(&conn), key_(std::move(key)) {}
    StreamLock(StreamLock&& o) noexcept : conn_(o.conn_), key_(std::move(o.key_)) { o.conn_ = nullptr; }
    StreamLock(const StreamLock&) = delete;
    StreamLock& operator=(const StreamLock&) = delete;
    ~StreamLock();

private:
    pqxx::connection_base* conn_;
    std::string key_;
};

class TargetDatabase {
public:
    static std::unique_ptr<pqxx::connection> connect(const std::string& dsn);
    // Throws ConfigError when `migrate` has not been run for this schema.
    static void requireMigrated(pqxx::connection_base& conn, const std::string& schema);
    // Session-level advisory lock; throws LockedError if another run holds it
    // after waiting up to waitSeconds.
    static StreamLock lockStream(pqxx::connection_base& conn, const std::string& schema,
                                 const std::string& stream, double waitSeconds);
};

}  // namespace intouch
