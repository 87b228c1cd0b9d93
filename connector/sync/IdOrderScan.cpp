#include "sync/IdOrderScan.hpp"

#include "common/Errors.hpp"
#include "sync/OverlappedPager.hpp"

namespace intouch {

void IdOrderScan::run(const Visitor& visit, std::optional<std::int64_t> stopAfterId) {
    OverlappedPager pager(source_, {"id", false}, pageSize_, maxRelocations_);
    std::optional<std::int64_t> lastId;
    // Ids are unique: a record is after the place when its id is larger than the last taken.
    auto after = [&](const ListItem& item) {
        return !lastId || !item.numericId || *item.numericId > *lastId;
    };
    while (true) {
        ListPage page = pager.next(after);
        std::vector<ListItem*> fresh;
        for (auto& item : page.items) {
            if (!item.numericId)
                throw SourceError("a record of " + source_.stream() + " has no integer id (" +
                                  item.key + "); cannot read the list in id order");
            if (lastId && *item.numericId <= *lastId) continue;
            fresh.push_back(&item);
        }
        for (const ListItem* item : fresh) lastId = *item->numericId;
        visit(page, fresh);
        const auto n = static_cast<std::int64_t>(page.items.size());
        reachedTotal_ = page.total && pager.position() + n >= *page.total;
        relocations_ = pager.relocations();
        if (page.reachesEnd(pager.position()) || !lastId) break;
        if (stopAfterId && *lastId >= *stopAfterId) break;
        if (pager.atEnd(page)) break;
        pager.advance(page, page.items.size());
    }
}

void IdOrderScan::requireReachedTotal(const std::string& stream, std::optional<std::int64_t> total,
                                      std::int64_t seen, const std::string& consequence) const {
    if (reachedTotal_) return;
    std::string message = "stream ";
    message.append(stream)
        .append(": the id-order scan ended on an empty answer before the list's reported total (")
        .append(std::to_string(total.value_or(-1)))
        .append(", ")
        .append(std::to_string(seen))
        .append(" records seen); ")
        .append(consequence);
    throw InconsistentReadError(message);
}

}  // namespace intouch
