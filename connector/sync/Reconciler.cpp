#include "sync/Reconciler.hpp"

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "sync/IdOrderScan.hpp"
#include "sync/ToBatch.hpp"

namespace intouch {

Reconciler::Reconciler(const StreamWiring& w)
    : reader_(w.fetcher, w.mapper, w.spec), writer_(w.writer), spec_(w.spec), options_(w.options) {}

StreamOutcome Reconciler::run(bool hardDelete) {
    StreamOutcome outcome;
    if (!options_.dryRun) writer_.beginReconcile();
    IdOrderScan scan(reader_, options_.pageSize, options_.maxRelocations);
    scan.run([&](ListPage& page, const std::vector<ListItem*>& fresh) {
        std::vector<std::int64_t> ids;
        for (const ListItem* item : fresh) ids.push_back(*item->numericId);
        PageBatch batch = toBatch(fresh);
        outcome.totals.seen += static_cast<std::int64_t>(fresh.size());
        outcome.apiTotal = page.total;
        if (options_.dryRun) return;
        outcome.totals += writer_.writeReconcilePage(batch, ids);
    });
    outcome.relocations = scan.relocations();
    // Rows not seen are not proven gone.
    scan.requireReachedTotal(spec_.name, outcome.apiTotal, outcome.totals.seen,
                             "nothing is marked deleted");
    outcome.readToEnd = true;
    if (!options_.dryRun) outcome.totals.deleted = writer_.finishReconcile(hardDelete);
    log::info("reconciled", {{"stream", spec_.name}, {"seen", std::to_string(outcome.totals.seen)},
                             {hardDelete ? "deleted" : "marked_deleted", std::to_string(outcome.totals.deleted)},
                             {"repaired", std::to_string(outcome.totals.upserted)}});
    return outcome;
}

}  // namespace intouch
