#include "TimestampPlan.h"

#include <algorithm>
#include <unordered_set>

#include "DateTimeFormat.h"

namespace intouch::sim {

std::vector<int64_t> dstEdgeInstants(bool avoidAmbiguousLocal) {
    std::vector<int64_t> out;
    for (const auto& tr : findTransitions(kModifiedWindow.from, kModifiedWindow.to)) {
        const int64_t shift = tr.offsetAfter - tr.offsetBefore;
        if (shift > 0) {
            // Spring: local time jumps forward; the last second before and the first after.
            out.push_back(tr.at - 1);
            out.push_back(tr.at);
        } else {
            const int64_t d = -shift;  // length of the repeated period
            if (avoidAmbiguousLocal) {
                out.push_back(tr.at - d - 1);  // just before the repeated hour begins
                out.push_back(tr.at + d);      // first unambiguous second after it
            } else {
                out.push_back(tr.at - d / 2);  // first occurrence, mid-hour
                out.push_back(tr.at - 1);      // last second of the first occurrence
                out.push_back(tr.at);          // first second of the second occurrence
                out.push_back(tr.at + d / 2);  // second occurrence, same wall time as above
            }
        }
    }
    std::erase_if(out,
                  [](int64_t t) { return t < kModifiedWindow.from || t >= kModifiedWindow.to; });
    return out;
}

TimestampPlan planTimestamps(Rng& rng, const TimestampPlanParams& p) {
    TimestampPlan plan;
    const int64_t n = std::max<int64_t>(p.count, 0);
    const int64_t k = std::max<int64_t>(p.tieSize, 1);
    if (n == 0) return plan;

    auto acceptable = [&](int64_t t) { return !p.avoidAmbiguousLocal || !isAmbiguousLocal(t); };

    plan.entered.reserve(static_cast<std::size_t>(n));
    while (static_cast<int64_t>(plan.entered.size()) < n) {
        const int64_t t = rng.between(kEnteredWindow.from, kEnteredWindow.to - 1);
        if (acceptable(t)) plan.entered.push_back(t);
    }
    std::sort(plan.entered.begin(), plan.entered.end());

    // One distinct instant per tie group, so a group is never merged with another by chance.
    const int64_t groups = (n + k - 1) / k;
    std::vector<int64_t> groupTimes;
    std::unordered_set<int64_t> used;
    groupTimes.reserve(static_cast<std::size_t>(groups));
    // DST edges only where they stay a small minority of the stream.
    for (int64_t t : dstEdgeInstants(p.avoidAmbiguousLocal)) {
        if (groups < 10 || static_cast<int64_t>(groupTimes.size()) * 10 >= groups) break;
        if (used.insert(t).second) groupTimes.push_back(t);
    }
    while (static_cast<int64_t>(groupTimes.size()) < groups) {
        const int64_t t = rng.between(kModifiedWindow.from, kModifiedWindow.to - 1);
        if (acceptable(t) && used.insert(t).second) groupTimes.push_back(t);
    }
    std::sort(groupTimes.begin(), groupTimes.end());

    // A random permutation decides which records form each group: modified order is thereby
    // independent of id order.
    std::vector<int64_t> perm(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
    for (int64_t i = n - 1; i > 0; --i) {
        const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i + 1)));
        std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
    }
    plan.modified.assign(static_cast<std::size_t>(n), 0);
    for (int64_t pos = 0; pos < n; ++pos) {
        plan.modified[static_cast<std::size_t>(perm[static_cast<std::size_t>(pos)])] =
            groupTimes[static_cast<std::size_t>(pos / k)];
    }
    return plan;
}

}  // namespace intouch::sim
