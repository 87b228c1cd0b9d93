#pragma once
// Applies the numbered SQL files of migrations/ in order, each in its own
// transaction, and records them with a checksum in <schema>.schema_migrations.
// Re-running is a no-op; an applied file that has since changed is refused,
// because the database no longer matches what the file says it is.

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace intouch {

struct MigrationFile {
    std::string version;  // file name without .sql, e.g. "0001_sync_state"
    std::string path;
    std::string sql;
    std::string checksum;  // SHA-1 hex of the file's bytes
};

struct MigrationStatus {
    std::vector<std::string> applied;  // by this call
    std::vector<std::string> alreadyApplied;
    std::vector<std::string> pending;  // when only inspecting
};

class MigrationRunner {
public:
    MigrationRunner(std::string directory, std::string schema);

    // Reads and orders the files; throws ConfigError for a missing directory or a
    // file name that does not start with a number.
    std::vector<MigrationFile> files() const;

    MigrationStatus apply(pqxx::connection_base& conn) const;
    // What apply would do, without changing anything (also verifies checksums).
    MigrationStatus inspect(pqxx::connection_base& conn) const;

private:
    MigrationStatus run(pqxx::connection_base& conn, bool write) const;

    std::string directory_;
    std::string schema_;
};

}  // namespace intouch
