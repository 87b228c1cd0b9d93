#pragma once
// Finds a place in an offset-paged list without reading it: the list is sorted,
// so "is this record past the place I want" is monotone in the position, and a
// galloping search from the end answers it with O(log distance) one-record
// requests. Recent changes sit at the end of a list ordered by `modified`, so an
// incremental run with few changes costs a handful of requests.

#include <cstdint>
#include <functional>
#include <string>

#include "source/PageFetcher.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

class PositionSearch {
  public:
    using Predicate = std::function<bool(const ListItem&)>;
    using Probe =
        std::function<std::optional<ListItem>(std::int64_t position, std::int64_t& total)>;

    explicit PositionSearch(Probe probe) : probe_(std::move(probe)) {}

    // Smallest position whose record satisfies `after` (the list's size when none
    // does). The list may change between probes, so the answer is a best guess
    // that the caller verifies with the overlap of its next page.
    std::int64_t firstAfter(const Predicate& after);

    // The same answer when it is known to lie at or before `hint` (the record at
    // `hint` satisfies `after`, or the list ends there): gallops back from `hint`.
    // When the list slid back under a reader by k records this costs O(log k)
    // probes instead of a search of the whole list.
    std::int64_t firstAfterNear(std::int64_t hint, const Predicate& after);

    std::int64_t probes() const { return probes_; }

  private:
    // Narrows (lo, hi], the answer's interval, by probes back from hi with doubling steps
    // (a record that is `after` moves hi; the first that is not becomes lo and ends it).
    // `toStart`: lo is not a probed record (lo = -1), so a step past it probes lo + 1.
    void gallopBack(std::int64_t& lo, std::int64_t& hi, bool toStart, const Predicate& after);
    // Given that the record at lo is not `after` and the answer is in (lo, hi]:
    // the answer, by halving.
    std::int64_t bisect(std::int64_t lo, std::int64_t hi, const Predicate& after);

    Probe probe_;
    std::int64_t probes_ = 0;
};

}  // namespace intouch
