#include "sync/FullReplaceSync.hpp"

#include "common/Errors.hpp"
#include "common/StopSignal.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

FullReplaceSync::FullReplaceSync(PageFetcher& fetcher, PostgresWriter& writer,
                                 const RecordMapper& mapper, const StreamSpec& spec,
                                 const SyncOptions& options)
    : fetcher_(fetcher), writer_(writer), mapper_(mapper), spec_(spec), options_(options) {}

StreamOutcome FullReplaceSync::run() {
    StreamOutcome outcome;
    std::vector<json::Value> all;
    if (spec_.paging == Paging::Paged) {
        // A paged list without a cursor: read it whole in id order, the order
        // that edits cannot disturb.
        std::int64_t position = 0;
        while (true) {
            if (stopRequested()) throw InterruptedError("stopped while reading " + spec_.name);
            PageRequest r;
            r.endpoint = spec_.endpoint;
            r.position = position;
            r.size = options_.pageSize;
            r.orderBy = "id";
            r.params = spec_.params;
            Page page = fetcher_.page(r);
            const auto n = static_cast<std::int64_t>(page.items.size());
            outcome.apiTotal = page.total;
            for (auto& item : page.items) all.push_back(std::move(item));
            if (n < options_.pageSize || (page.total && position + n >= *page.total)) break;
            position += n;
        }
    } else {
        Page page = fetcher_.whole(spec_.endpoint, spec_.params, spec_.paging == Paging::PlainArray);
        outcome.apiTotal = page.total;
        all = std::move(page.items);
    }
    auto items = mapItems(all, mapper_, writer_);
    PageBatch batch;
    for (auto& item : items) {
        if (item.mapped)
            batch.records.push_back(std::move(*item.mapped));
        else if (item.reject)
            batch.rejects.push_back(std::move(*item.reject));
    }
    outcome.totals.seen = static_cast<std::int64_t>(items.size());
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
