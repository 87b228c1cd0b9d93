#include "sink/ShadowTables.hpp"

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/HistoryWriter.hpp"
#include "sink/TableStatistics.hpp"

namespace intouch {

namespace {
const char* kShadowSuffix = "__refresh";
const char* kShadowStream = ":full-refresh";
}  // namespace

StreamSpec ShadowTables::shadowSpec(const StreamSpec& spec) {
    StreamSpec shadow = spec;
    shadow.name = spec.name + kShadowStream;
    shadow.table = spec.table + kShadowSuffix;
    for (auto& child : shadow.children) child.table += kShadowSuffix;
    // Versions are recorded once the new content is swapped in (swapIn), against the live
    // table's history: the shadow keeps none of its own.
    shadow.history = false;
    return shadow;
}

void ShadowTables::prepare(pqxx::connection_base& conn, const std::string& schema, const StreamSpec& spec) {
    const StreamSpec shadow = shadowSpec(spec);
    try {
        pqxx::work tx(conn);
        auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", qualified(schema, shadow.table));
        auto state = tx.exec_params("SELECT 1 FROM " + qualified(schema, "sync_state") + " WHERE stream = $1",
                                    shadow.name);
        if (exists[0][0].as<bool>() && !state.empty()) {
            log::info("resuming an interrupted full refresh", {{"stream", spec.name}});
            tx.commit();
            return;
        }
        // Shadows without foreign keys: LIKE does not copy them, and the
        // children of the shadow must not point at the live parent.
        for (const auto& child : shadow.children)
            tx.exec("DROP TABLE IF EXISTS " + qualified(schema, child.table));
        tx.exec("DROP TABLE IF EXISTS " + qualified(schema, shadow.table));
        tx.exec("CREATE TABLE " + qualified(schema, shadow.table) + " (LIKE " + qualified(schema, spec.table) +
                " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        for (std::size_t i = 0; i < spec.children.size(); ++i)
            tx.exec("CREATE TABLE " + qualified(schema, shadow.children[i].table) + " (LIKE " +
                    qualified(schema, spec.children[i].table) +
                    " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        tx.exec_params("DELETE FROM " + qualified(schema, "sync_state") + " WHERE stream = $1", shadow.name);
        tx.exec_params("DELETE FROM " + qualified(schema, "sync_rejects") + " WHERE stream = $1", shadow.name);
        tx.commit();
    } catch (const pqxx::sql_error& e) {
        throw TargetError("preparing the full refresh of " + spec.name + " failed: " + e.what());
    }
}

void ShadowTables::swapIn(pqxx::connection_base& conn, const std::string& schema, const StreamSpec& spec) {
    const StreamSpec shadow = shadowSpec(spec);
    try {
        pqxx::work tx(conn);
        const HistoryWriter history(schema, spec, "");
        // Versions a first sync of the live table still owes (a kill before its end) are
        // of the content about to be replaced: written first, recordAll then closes them.
        history.recordOwed(tx);
        // TRUNCATE takes the table's exclusive lock: readers wait for the commit
        // and then see the complete new copy; nobody sees a mix.
        std::string tables = qualified(schema, spec.table);
        for (const auto& child : spec.children) tables += ", " + qualified(schema, child.table);
        tx.exec("TRUNCATE " + tables);
        tx.exec("INSERT INTO " + qualified(schema, spec.table) + " SELECT * FROM " + qualified(schema, shadow.table));
        for (std::size_t i = 0; i < spec.children.size(); ++i)
            tx.exec("INSERT INTO " + qualified(schema, spec.children[i].table) + " SELECT * FROM " +
                    qualified(schema, shadow.children[i].table));
        // The new content's versions: rows that changed or came, and rows that are gone.
        history.recordAll(tx);
        history.closeDeleted(tx);
        for (const auto& child : shadow.children) tx.exec("DROP TABLE " + qualified(schema, child.table));
        tx.exec("DROP TABLE " + qualified(schema, shadow.table));
        const std::string state = qualified(schema, "sync_state");
        const std::string rejects = qualified(schema, "sync_rejects");
        tx.exec_params("DELETE FROM " + state + " WHERE stream = $1", spec.name);
        tx.exec_params("UPDATE " + state + " SET stream = $1 WHERE stream = $2", spec.name, shadow.name);
        tx.exec_params("DELETE FROM " + rejects + " WHERE stream = $1", spec.name);
        tx.exec_params("UPDATE " + rejects + " SET stream = $1 WHERE stream = $2", spec.name, shadow.name);
        tx.commit();
    } catch (const pqxx::sql_error& e) {
        throw TargetError("swapping in the full refresh of " + spec.name + " failed: " + e.what() +
                          " (the old data is unchanged; the next --full-refresh resumes)");
    }
    // The tables were refilled whole: the next run's statements are planned for the new
    // content (sink/TableStatistics.hpp says why), after the commit, so that readers
    // do not wait on the swap's lock meanwhile.
    analyzeStreamTables(conn, schema, spec, "the full refresh");
}

}  // namespace intouch
