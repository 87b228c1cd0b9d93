#include "sync/FullReplaceSync.hpp"

#include <map>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "sync/IdOrderScan.hpp"
#include "sync/ListItem.hpp"
#include "sync/ListReader.hpp"
#include "sync/ToBatch.hpp"

namespace intouch {

FullReplaceSync::FullReplaceSync(const StreamWiring& w)
    : fetcher_(w.fetcher), writer_(w.writer), mapper_(w.mapper), spec_(w.spec), options_(w.options) {}

// The pages of one read do not add up, most likely because the list changed meanwhile.
struct ListChangedError : InconsistentReadError {
    using InconsistentReadError::InconsistentReadError;
};

// One whole read of a list, kept only if it is complete and consistent: every key once
// (the same record met twice is kept once; one key with two contents fails the read).
struct WholeRead {
    std::map<std::string, std::string> contentByKey;
    std::vector<ListItem> items;
    std::vector<json::Value> raw;
    std::int64_t received = 0;

    void add(const std::string& stream, ListItem&& item, json::Value&& record) {
        ++received;
        std::string content = record.toJson();
        const std::string key = item.key.empty() ? "#record " + content : item.key;
        auto [it, inserted] = contentByKey.emplace(key, content);
        if (!inserted) {
            if (it->second != content)
                throw ListChangedError(
                    "stream " + stream + ": record " + key +
                    " came twice in one read with different contents (the list changed while it "
                    "was paged, or the server pages inconsistently); the table is left as it "
                    "was");
            return;
        }
        items.push_back(std::move(item));
        raw.push_back(std::move(record));
    }
};

StreamOutcome FullReplaceSync::run() {
    StreamOutcome outcome;
    PageBatch batch;
    ListReader reader(fetcher_, mapper_, spec_);
    if (spec_.paging == Paging::Paged) {
        // A paged list without a cursor: walk it whole in id order, the order
        // that edits cannot disturb.
        IdOrderScan scan(reader, options_.pageSize, options_.maxRelocations);
        scan.run([&](ListPage& page, const std::vector<ListItem*>& fresh) {
            batch.append(toBatch(fresh));
            outcome.totals.seen += static_cast<std::int64_t>(fresh.size());
            outcome.apiTotal = page.total;
        });
        outcome.relocations = scan.relocations();
        scan.requireReachedTotal(spec_.name, outcome.apiTotal, outcome.totals.seen,
                                 "the table is left as it was");
    } else {
        if (stopRequested()) throw InterruptedError("stopped before reading " + spec_.name);
        // A list that changed while it was paged cannot be proven complete; it is read
        // again a few times before the stream fails (people keep working in the CRM).
        constexpr int kAttempts = 3;
        for (int attempt = 1;; ++attempt) {
            try {
                ListReader fresh(fetcher_, mapper_, spec_);
                WholeRead read = readWhole(fresh, outcome);
                fetchMissingChildren(read);
                batch = toBatch(read.items);
                outcome.totals.seen += static_cast<std::int64_t>(read.items.size());
                break;
            } catch (const ListChangedError& e) {
                if (attempt >= kAttempts)
                    throw InconsistentReadError(std::string(e.what()) + " (" +
                                                std::to_string(kAttempts) + " attempts)");
                log::warn("the list changed while it was read; reading it again",
                          {{"stream", spec_.name}, {"reason", e.what()}});
            }
        }
    }
    outcome.readToEnd = true;
    if (options_.dryRun) {
        outcome.totals.upserted = static_cast<std::int64_t>(batch.records.size());
        outcome.totals.rejected = static_cast<std::int64_t>(batch.rejects.size());
        return outcome;
    }
    outcome.totals += writer_.replaceAll(batch);
    return outcome;
}

WholeRead FullReplaceSync::readWhole(ListReader& reader, StreamOutcome& outcome) {
    // The docs leave the shape open: an envelope (paged to its `total`, also when no
    // paging parameters are documented) or a plain array (the whole list). Position and
    // size are sent on endpoints documented as unpaged; a code-list array is asked for
    // without them first and paged only if it turns out to be an envelope.
    PageRequest request;
    request.endpoint = spec_.endpoint;
    request.params = spec_.params;
    request.size = options_.pageSize;
    request.acceptPlainArray = true;
    request.sendPaging = spec_.paging != Paging::PlainArray;
    // A list paged in its default order (files: `modified`, descending) shows a random
    // subset on each side of a page border inside a tie group; ordered by a unique key it
    // has no ties. So an unpaged stream keyed by one plain field is asked for that order
    // (files document `orderBy`); members (two key fields) keep the server's order.
    if (spec_.paging == Paging::Unpaged && spec_.primaryKey.size() == 1) {
        for (const auto& c : spec_.columns)
            if (c.name == spec_.primaryKey[0] &&
                c.sourcePath.find_first_of(".[") == std::string::npos)
                request.orderBy = c.sourcePath;
        request.sendDesc = !request.orderBy.empty();  // files default to descending
    }
    WholeRead read;
    std::int64_t position = 0;
    bool envelope = true;
    std::optional<std::int64_t> total;
    while (true) {
        if (stopRequested()) throw InterruptedError("stopped while reading " + spec_.name);
        request.position = position;
        ListPage page = reader.read(request);
        envelope = page.envelope;
        if (total && page.total && *page.total != *total)
            throw ListChangedError("stream " + spec_.name + ": the list's total went from " +
                                   std::to_string(*total) + " to " + std::to_string(*page.total) +
                                   " while it was paged (position " + std::to_string(position) +
                                   "); the table is left as it was");
        total = page.total;
        const auto n = static_cast<std::int64_t>(page.items.size());
        for (std::size_t i = 0; i < page.items.size(); ++i)
            read.add(spec_.name, std::move(page.items[i]), std::move(page.raw[i]));
        if (page.reachesEnd(position)) break;
        position += n;  // the step the server serves, whatever was asked
        request.sendPaging = true;
    }
    outcome.apiTotal = total;
    const auto distinct = static_cast<std::int64_t>(read.items.size());
    if (envelope && total && distinct != *total)
        throw ListChangedError(
            "stream " + spec_.name + ": read " + std::to_string(distinct) +
            " distinct records (" + std::to_string(read.received) + " received) but the CRM " +
            "reports total " + std::to_string(*total) +
            "; the read is not complete, so the table is left as it was (run again; if it "
            "persists, the server pages " + spec_.endpoint + " inconsistently)");
    return read;
}

void FullReplaceSync::fetchMissingChildren(WholeRead& read) {
    // A record without the array of a child table (a code list from /api/lists in the 6.2
    // reading, which names the lists only) is read whole from <endpoint>/<key>. A 404 there
    // means it was deleted between the two requests: it is gone, not an error.
    if (spec_.children.empty()) return;
    std::vector<ListItem> items;
    for (std::size_t i = 0; i < read.items.size(); ++i) {
        ListItem& item = read.items[i];
        bool missing = false;
        for (const auto& child : spec_.children)
            if (!child.path.find(read.raw[i])) missing = true;
        if (!missing || !item.mapped || item.mapped->keyValues.size() != 1) {
            items.push_back(std::move(item));
            continue;
        }
        if (stopRequested()) throw InterruptedError("stopped while reading " + spec_.name);
        const std::string endpoint = spec_.endpoint + "/" + urlEncode(item.mapped->keyValues[0]);
        try {
            json::Value detail = fetcher_.object(endpoint);
            auto mapped = mapItems({detail}, mapper_);
            items.push_back(std::move(mapped.front()));
        } catch (const NotFoundError&) {
            log::info("record vanished between the list and its detail request; not stored",
                      {{"stream", spec_.name}, {"record", item.key}});
        }
    }
    read.items = std::move(items);
}

}  // namespace intouch
