#include "sync/OverlappedPager.hpp"

#include <algorithm>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "sync/PageChecks.hpp"
#include "sync/PositionSearch.hpp"

namespace intouch {

OverlappedPager::OverlappedPager(ListSource& source, Order order, int pageSize, int maxRelocations)
    : source_(source),
      order_(std::move(order)),
      pageSize_(pageSize),
      maxRelocations_(maxRelocations) {}

std::int64_t OverlappedPager::search(const Place& place, std::optional<std::int64_t> near) {
    PositionSearch search([&](std::int64_t position, std::int64_t& total) {
        auto item = source_.probe(position, order_.orderBy, total);
        if (item && probeSeen_) probeSeen_(position, *item, total);
        return item;
    });
    const std::int64_t p = near ? search.firstAfterNear(*near, place) : search.firstAfter(place);
    log::debug("located resume position", {{"stream", source_.stream()},
                                           {"order", order_.orderBy},
                                           {"position", std::to_string(p)},
                                           {"probes", std::to_string(search.probes())}});
    return p;
}

void OverlappedPager::startBefore(std::int64_t firstAfter) {
    // The record before the place is the overlap that anchors the next page.
    position_ = firstAfter > 0 ? firstAfter - 1 : 0;
    overlap_ = firstAfter > 0;
}

void OverlappedPager::seek(const Place& place) {
    guessed_ = false;
    startBefore(search(place, std::nullopt));
}

void OverlappedPager::guess(std::int64_t position) {
    position_ = std::max<std::int64_t>(position, 0);
    overlap_ = true;
    guessed_ = true;
}

void OverlappedPager::relocate(const Place& place) {
    ++relocations_;
    if (++unanchored_ > maxRelocations_)
        throw SourceError("the list of " + source_.stream() +
                          " keeps changing faster than it can be read in " + order_.orderBy +
                          " order (re-found the position " + std::to_string(maxRelocations_) +
                          " times in a row without reading a page)");
    log::debug("list moved under the reader; re-finding position",
               {{"stream", source_.stream()}, {"position", std::to_string(position_)}});
    // The list slid back by as many records as changed since the last page: search back.
    const std::int64_t from = position_;
    startBefore(search(place, from));
    if (order_.widenOverlap)
        // Overlap later pages by twice the slide seen, so that the same rate of change is
        // absorbed by the overlap instead of costing a search per page.
        slack_ = std::min<std::int64_t>(std::max<std::int64_t>(slack_, 2 * (from - position_)),
                                        pageSize_ / 4);
}

ListPage OverlappedPager::next(const Place& place) {
    while (true) {
        ListPage page = source_.read(position_, pageSize_, order_.orderBy);
        const bool anchored = !page.items.empty() && !place(page.items.front());
        if (overlap_ && !anchored) {
            if (guessed_) {
                // The record at the guess is past the place, or the list ends before it
                // (at its `total`, when the answer is empty): either way the place is at or
                // before it.
                guessed_ = false;
                std::int64_t from = position_;
                if (page.items.empty() && page.total) from = std::min(from, *page.total);
                startBefore(search(place, from));
                continue;
            }
            relocate(place);
            continue;
        }
        if (guessed_ && !page.reachesEnd(position_) && !place(page.items.back())) {
            // All of it is before the place and the list goes on: the hint was far too
            // early (a list grown by records stamped in the past?). A search costs less
            // than paging through records already taken.
            seek(place);
            continue;
        }
        guessed_ = false;
        unanchored_ = 0;
        return page;
    }
}

bool OverlappedPager::atEnd(const ListPage& page) {
    if (page.reachesEnd(position_)) return true;
    const auto n = static_cast<std::int64_t>(page.items.size());
    if (n >= 2) return false;
    std::int64_t total = -1;
    if (!source_.probe(position_ + n, order_.orderBy, total)) return true;
    PageChecks::requireOverlapStep(source_.stream(), n, position_);
    return false;
}

void OverlappedPager::advance(const ListPage& page, std::size_t keepFrom) {
    const auto n = static_cast<std::int64_t>(page.items.size());
    const auto k = static_cast<std::int64_t>(std::min(keepFrom, page.items.size()));
    const std::int64_t next = position_ + std::max<std::int64_t>(k - 1, 1);
    // The widened overlap is bounded by the step the server actually serves.
    position_ = std::max(position_ + 1, next - std::min(slack_, n / 4));
    overlap_ = true;
}

}  // namespace intouch
