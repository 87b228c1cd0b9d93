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
    // Invariant: record at lo is not `after`; the answer is in (lo, hi].
    std::int64_t lo = 0;
    std::int64_t hi = total;
    std::int64_t step = 1;
    // Gallop backwards from the end: recent changes are there.
    while (true) {
        std::int64_t p = hi - step;
        if (p <= lo) break;
        ++probes_;
        std::int64_t t = -1;
        auto item = probe_(p, t);
        if (!item) {
            // Nothing at p: the list shrank below p, or its `total` overstates it. Either
            // way it ends at or before p, so hi moves down (never stays: no loop).
            hi = std::max<std::int64_t>(lo + 1, std::min({hi, p, t >= 0 ? t : p}));
            step *= 2;
            continue;
        }
        if (after(*item)) {
            hi = p;
            step *= 2;
        } else {
            lo = p;
            break;
        }
    }
    return bisect(lo, hi, after);
}

std::int64_t PositionSearch::firstAfterNear(std::int64_t hint, const Predicate& after) {
    // Invariant: the answer is in (lo, hi]; lo = -1 means "before the start".
    std::int64_t hi = std::max<std::int64_t>(hint, 0);
    std::int64_t lo = -1;
    std::int64_t step = 1;
    while (hi > 0) {
        const std::int64_t p = std::max<std::int64_t>(hi - step, 0);
        ++probes_;
        std::int64_t total = -1;
        auto item = probe_(p, total);
        if (!item) {  // the list shrank below p: its end is the new upper bound
            hi = std::min(p, std::max<std::int64_t>(total, 0));
            step *= 2;  // a `total` overstating the list must not cost a probe per record
            continue;
        }
        if (after(*item)) {
            hi = p;
            step *= 2;
        } else {
            lo = p;
            break;
        }
    }
    if (lo < 0) return 0;
    return bisect(lo, hi, after);
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
