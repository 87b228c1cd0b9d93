#include "sync/IdOrderScan.hpp"

#include "common/Errors.hpp"
#include "sync/PositionSearch.hpp"

namespace intouch {

void IdOrderScan::run(const Visitor& visit, std::optional<std::int64_t> stopAfterId) {
    const std::string& stream = reader_.spec().name;
    std::int64_t position = 0;
    std::optional<std::int64_t> lastId;
    bool overlap = false;
    int unanchored = 0;  // relocations since the last page that could be read
    while (true) {
        ListPage page = reader_.read(position, pageSize_, "id");
        const auto n = static_cast<std::int64_t>(page.items.size());
        if (overlap && !(n > 0 && page.items[0].numericId && *page.items[0].numericId <= *lastId)) {
            ++relocations_;
            if (++unanchored > maxRelocations_)
                throw SourceError("the list of " + stream +
                                  " keeps changing faster than it can be read in id order");
            const std::int64_t after = *lastId;
            PositionSearch search(
                [&](std::int64_t p, std::int64_t& total) { return reader_.probe(p, "id", total); });
            // Records before our place were deleted: the list slid back by as many.
            std::int64_t p = search.firstAfterNear(position, [&](const ListItem& item) {
                return !item.numericId || *item.numericId > after;
            });
            position = p > 0 ? p - 1 : 0;
            overlap = p > 0;
            continue;
        }
        unanchored = 0;
        std::vector<ListItem*> fresh;
        for (auto& item : page.items) {
            if (!item.numericId)
                throw SourceError("a record of " + stream + " has no integer id (" + item.key +
                                  "); cannot read the list in id order");
            if (lastId && *item.numericId <= *lastId) continue;
            fresh.push_back(&item);
        }
        for (const ListItem* item : fresh) lastId = *item->numericId;
        visit(page, fresh);
        reachedTotal_ = page.total && position + n >= *page.total;
        if (page.reachesEnd(position) || !lastId) break;
        if (stopAfterId && *lastId >= *stopAfterId) break;
        if (reader_.endsShortOfTotal(page, position, "id")) break;
        position += n - 1;
        overlap = true;
    }
}

}  // namespace intouch
