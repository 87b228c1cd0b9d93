#include "sink/MigrationRunner.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace fs = std::filesystem;

MigrationRunner::MigrationRunner(std::string directory, std::string schema)
    : directory_(std::move(directory)), schema_(std::move(schema)) {}

std::vector<MigrationFile> MigrationRunner::files() const {
    std::error_code ec;
    if (!fs::is_directory(directory_, ec))
        throw ConfigError("migrations directory '" + directory_ +
                          "' does not exist (set `migrations:` in the config file)");
    std::vector<MigrationFile> out;
    for (const auto& entry : fs::directory_iterator(directory_)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
        MigrationFile f;
        f.version = entry.path().stem().string();
        f.path = entry.path().string();
        if (f.version.empty() || !std::isdigit(static_cast<unsigned char>(f.version[0])))
            throw ConfigError("migration file '" + f.path +
                              "' must start with its number, e.g. 0003_add_column.sql");
        std::ifstream in(f.path, std::ios::binary);
        std::stringstream buf;
        buf << in.rdbuf();
        f.sql = buf.str();
        Poco::SHA1Engine sha;
        sha.update(f.sql);
        f.checksum = Poco::DigestEngine::digestToHex(sha.digest());
        out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(),
              [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
    return out;
}

MigrationStatus MigrationRunner::apply(pqxx::connection_base& conn) const { return run(conn, true); }
MigrationStatus MigrationRunner::inspect(pqxx::connection_base& conn) const { return run(conn, false); }

MigrationStatus MigrationRunner::run(pqxx::connection_base& conn, bool write) const {
    const auto migrations = files();
    const std::string table = qualified(schema_, "schema_migrations");
    MigrationStatus status;

    std::map<std::string, std::string> applied;
    {
        pqxx::work tx(conn);
        if (write) {
            // Two `migrate` runs at once must not both apply the same file.
            tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "intouch-sync:migrate:" + schema_);
            tx.exec("CREATE SCHEMA IF NOT EXISTS " + quoteIdent(schema_));
            tx.exec("CREATE TABLE IF NOT EXISTS " + table +
                    " (version text PRIMARY KEY, checksum text NOT NULL, "
                    "applied_at timestamptz NOT NULL DEFAULT now())");
        }
        auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", table);
        if (exists[0][0].as<bool>()) {
            for (const auto& row : tx.exec("SELECT version, checksum FROM " + table))
                applied[row[0].c_str()] = row[1].c_str();
        }
        tx.commit();
    }

    for (const auto& m : migrations) {
        auto it = applied.find(m.version);
        if (it != applied.end()) {
            if (it->second != m.checksum)
                throw ConfigError("migration '" + m.path +
                                  "' was changed after it was applied (checksum " + m.checksum +
                                  ", applied as " + it->second +
                                  "); never edit an applied migration: add a new numbered file");
            status.alreadyApplied.push_back(m.version);
            continue;
        }
        if (!write) {
            status.pending.push_back(m.version);
            continue;
        }
        pqxx::work tx(conn);
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "intouch-sync:migrate:" + schema_);
        // Another migrate may have applied it while we waited for the lock.
        auto again = tx.exec_params("SELECT checksum FROM " + table + " WHERE version = $1", m.version);
        if (!again.empty()) {
            status.alreadyApplied.push_back(m.version);
            continue;
        }
        tx.exec("SET LOCAL search_path TO " + quoteIdent(schema_));
        try {
            tx.exec(m.sql);
        } catch (const pqxx::sql_error& e) {
            throw TargetError("migration '" + m.path + "' failed: " + e.what());
        }
        tx.exec_params("INSERT INTO " + table + " (version, checksum) VALUES ($1, $2)", m.version,
                       m.checksum);
        tx.commit();
        log::info("applied migration", {{"version", m.version}, {"schema", schema_}});
        status.applied.push_back(m.version);
    }
    return status;
}

}  // namespace intouch
