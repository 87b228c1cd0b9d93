#include "sink/TargetDatabase.hpp"

#include <cstdlib>

#include <chrono>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SecretForms.hpp"
#include "common/SqlIdentifier.hpp"
#include "common/StopSignal.hpp"

namespace intouch {

StreamLock::~StreamLock() {
    if (!conn_) return;
    try {
        pqxx::nontransaction tx(*conn_);
        tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", key_);
    } catch (const std::exception&) {
        // The lock dies with the session anyway.
    }
}

std::unique_ptr<pqxx::connection> TargetDatabase::connect(const std::string& dsn) {
    // A password inside the DSN must not reach the logs through an error message, in
    // whatever quoting it was written.
    for (const auto& form : secrets::dsnPasswordForms(dsn)) log::addSecret(form);
    if (const char* pg = std::getenv("PGPASSWORD")) log::addSecret(pg);
    try {
        auto conn = std::make_unique<pqxx::connection>(dsn);
        // libpqxx 6 silently opens a new session after a lost one, without the session's
        // advisory locks (the stream locks, the run's liveness lock): a run would go on
        // writing a stream another run may now hold. A lost connection ends the run (exit 6).
        // (Deprecated in 6.4 because reactivation itself is going away in 7; until then it
        // is the only way to turn it off.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        conn->inhibit_reactivation(true);
#pragma GCC diagnostic pop
        pqxx::nontransaction tx(*conn);
        tx.exec("SET application_name = 'intouch-sync'");
        return conn;
    } catch (const pqxx::broken_connection& e) {
        throw TargetError(log::redact(std::string("cannot connect to PostgreSQL (target.dsn): ") + e.what()));
    } catch (const std::exception& e) {
        throw TargetError(log::redact(std::string("cannot connect to PostgreSQL (target.dsn): ") + e.what()));
    }
}

void TargetDatabase::requireMigrated(pqxx::connection_base& conn, const std::string& schema) {
    pqxx::nontransaction tx(conn);
    auto r = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", qualified(schema, "sync_state"));
    if (!r[0][0].as<bool>())
        throw ConfigError("schema '" + schema +
                          "' is not set up: run `intouch-sync migrate --config FILE` first");
}

StreamLock TargetDatabase::lockStream(pqxx::connection_base& conn, const std::string& schema,
                                      const std::string& stream, double waitSeconds) {
    const std::string key = "intouch-sync:" + schema + ":" + stream;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(waitSeconds));
    bool logged = false;
    while (true) {
        {
            pqxx::nontransaction tx(conn);
            if (tx.exec_params("SELECT pg_try_advisory_lock(hashtext($1))", key)[0][0].as<bool>())
                return StreamLock(conn, key);
        }
        if (std::chrono::steady_clock::now() >= deadline)
            throw LockedError("stream '" + stream + "' in schema '" + schema +
                              "' is being synced by another run; try again later or pass "
                              "--wait-lock SECONDS");
        if (!logged) {
            log::info("waiting for another run to release the stream", {{"stream", stream}});
            logged = true;
        }
        if (!interruptibleSleep(0.5)) throw InterruptedError("stopped while waiting for the lock of " + stream);
    }
}

}  // namespace intouch
