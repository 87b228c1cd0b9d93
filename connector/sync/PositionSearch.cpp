#include "sync/PositionSearch.hpp"

#include <algorithm>

namespace intouch {

std::int64_t PositionSearch::firstAfter(const Predicate& after) {
    std::int64_t total = -1;
    // One probe at the start learns the list's size.
    ++probes_;
    auto first = probe_(0, total);
    if (!first || total <= 0) return 0;
    if (after(*first)) return 0;
    // The record at 0 is not `after`; recent changes are at the end.
    std::int64_t lo = 0;
    std::int64_t hi = total;
    gallopBack(lo, hi, /*toStart=*/false, after);
    return bisect(lo, hi, after);
}

std::int64_t PositionSearch::firstAfterNear(std::int64_t hint, const Predicate& after) {
    std::int64_t lo = -1;  // before the start
    std::int64_t hi = std::max<std::int64_t>(hint, 0);
    gallopBack(lo, hi, /*toStart=*/true, after);
    if (lo < 0) return 0;
    return bisect(lo, hi, after);
}

void PositionSearch::gallopBack(std::int64_t& lo, std::int64_t& hi, bool toStart,
                                const Predicate& after) {
    std::int64_t step = 1;
    while (hi > lo + 1) {
        std::int64_t p = hi - step;
        if (p <= lo) {
            if (!toStart) return;
            p = lo + 1;
        }
        ++probes_;
        std::int64_t total = -1;
        auto item = probe_(p, total);
        if (!item) {
            // Nothing at p: the list shrank below p, or its `total` overstates it. Either way
            // it ends at or before p, so hi moves down (never stays: no loop), and the steps
            // keep doubling: an overstated `total` must not cost a probe per record.
            hi = std::max(lo + 1, std::min(p, total >= 0 ? total : p));
            step *= 2;
            continue;
        }
        if (!after(*item)) {
            lo = p;
            return;
        }
        hi = p;
        step *= 2;
    }
}

std::int64_t PositionSearch::bisect(std::int64_t lo, std::int64_t hi, const Predicate& after) {
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        ++probes_;
        std::int64_t total = -1;
        auto item = probe_(mid, total);
        if (!item || after(*item))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

}  // namespace intouch
