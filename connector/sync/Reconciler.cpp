#include "sync/Reconciler.hpp"

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "sync/IdOrderScan.hpp"

namespace intouch {

Reconciler::Reconciler(PageFetcher& fetcher, PostgresWriter& writer, const RecordMapper& mapper,
                       const StreamSpec& spec, const SyncOptions& options)
    : reader_(fetcher, mapper, writer, spec), writer_(writer), spec_(spec), options_(options) {}

StreamOutcome Reconciler::run(bool hardDelete) {
    StreamOutcome outcome;
    if (!options_.dryRun) writer_.beginReconcile();
    IdOrderScan scan(reader_, options_.pageSize, options_.maxRelocations);
    scan.run([&](ListPage& page, const std::vector<ListItem*>& fresh) {
        PageBatch batch;
        std::vector<std::int64_t> ids;
        for (ListItem* item : fresh) {
            ids.push_back(*item->numericId);
            if (item->mapped)
                batch.records.push_back(std::move(*item->mapped));
            else if (item->reject)
                batch.rejects.push_back(std::move(*item->reject));
        }
        outcome.totals.seen += static_cast<std::int64_t>(fresh.size());
        outcome.apiTotal = page.total;
        if (options_.dryRun) return;
        WriteResult r = writer_.writeReconcilePage(batch, ids);
        outcome.totals.upserted += r.upserted;
        outcome.totals.rejected += r.rejected;
    });
    outcome.relocations = scan.relocations();
    if (!scan.reachedTotal())
        // An empty answer before `total`: the CRM overstates its list, or lost records
        // from it. Rows not seen are not proven gone, so none is marked deleted.
        throw InconsistentReadError("stream " + spec_.name + ": the id-order scan ended on an " +
                                    "empty answer before the list's reported total (" +
                                    std::to_string(outcome.apiTotal.value_or(-1)) + ", " +
                                    std::to_string(outcome.totals.seen) +
                                    " records seen); nothing is marked deleted");
    outcome.readToEnd = true;
    if (!options_.dryRun) outcome.totals.deleted = writer_.finishReconcile(hardDelete);
    log::info("reconciled", {{"stream", spec_.name}, {"seen", std::to_string(outcome.totals.seen)},
                             {hardDelete ? "deleted" : "marked_deleted", std::to_string(outcome.totals.deleted)},
                             {"repaired", std::to_string(outcome.totals.upserted)}});
    return outcome;
}

bool Reconciler::deletionsLikely(pqxx::connection_base& conn, const std::string& schema,
                                 const StreamSpec& spec, std::int64_t apiTotal) {
    pqxx::nontransaction tx(conn);
    auto live = tx.exec("SELECT count(*) FROM " + qualified(schema, spec.table) +
                        " WHERE deleted_at IS NULL")[0][0]
                    .as<std::int64_t>();
    return live > apiTotal;
}

}  // namespace intouch
