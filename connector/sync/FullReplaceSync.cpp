#include "sync/FullReplaceSync.hpp"

#include "common/Errors.hpp"
#include "common/StopSignal.hpp"
#include "sync/IdOrderScan.hpp"
#include "sync/ListItem.hpp"
#include "sync/ListReader.hpp"

namespace intouch {

FullReplaceSync::FullReplaceSync(PageFetcher& fetcher, PostgresWriter& writer,
                                 const RecordMapper& mapper, const StreamSpec& spec,
                                 const SyncOptions& options)
    : fetcher_(fetcher), writer_(writer), mapper_(mapper), spec_(spec), options_(options) {}

StreamOutcome FullReplaceSync::run() {
    StreamOutcome outcome;
    PageBatch batch;
    auto collect = [&](std::vector<ListItem>& items) {
        for (auto& item : items) {
            if (item.mapped)
                batch.records.push_back(std::move(*item.mapped));
            else if (item.reject)
                batch.rejects.push_back(std::move(*item.reject));
        }
        outcome.totals.seen += static_cast<std::int64_t>(items.size());
    };
    if (spec_.paging == Paging::Paged) {
        // A paged list without a cursor: walk it whole in id order, the order
        // that edits cannot disturb.
        ListReader reader(fetcher_, mapper_, writer_, spec_);
        IdOrderScan scan(reader, options_.pageSize, options_.maxRelocations);
        scan.run([&](ListPage& page, const std::vector<ListItem*>& fresh) {
            std::vector<ListItem> items;
            items.reserve(fresh.size());
            for (ListItem* item : fresh) items.push_back(std::move(*item));
            collect(items);
            outcome.apiTotal = page.total;
        });
        outcome.relocations = scan.relocations();
    } else {
        if (stopRequested()) throw InterruptedError("stopped before reading " + spec_.name);
        Page page = fetcher_.whole(spec_.endpoint, spec_.params, spec_.paging == Paging::PlainArray);
        outcome.apiTotal = page.total;
        auto items = mapItems(page.items, mapper_, writer_, page.text);
        collect(items);
    }
    outcome.readToEnd = true;
    if (options_.dryRun) {
        outcome.totals.upserted = static_cast<std::int64_t>(batch.records.size());
        outcome.totals.rejected = static_cast<std::int64_t>(batch.rejects.size());
        return outcome;
    }
    WriteResult r = writer_.replaceAll(batch);
    outcome.totals.upserted = r.upserted;
    outcome.totals.deleted = r.deleted;
    outcome.totals.rejected = r.rejected;
    return outcome;
}

}  // namespace intouch
