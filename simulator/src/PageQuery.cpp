#include "PageQuery.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace intouch::sim {

namespace {

// compareValues works on any Value but goes through std::visit for every comparison; a flat
// key makes sorting 100k records several times faster. A field holds one kind of value (plus
// nulls), so numbers and texts never meet in one sort.
struct SortKey {
    bool null = true;
    int64_t number = 0;
    const std::string* text = nullptr;
};

SortKey keyOf(const Value& v) {
    SortKey k;
    k.null = isNullish(v);
    if (k.null) return k;
    if (auto* b = std::get_if<bool>(&v))
        k.number = *b ? 1 : 0;
    else if (auto* i = std::get_if<int64_t>(&v))
        k.number = *i;
    else if (auto* d = std::get_if<Decimal>(&v))
        k.number = d->cents;
    else if (auto* t = std::get_if<DateTime>(&v))
        k.number = t->epochSeconds;
    else if (auto* s = std::get_if<std::string>(&v))
        k.text = s;
    else if (auto* date = std::get_if<Date>(&v))
        k.text = &date->text;
    else if (auto* time = std::get_if<Time>(&v))
        k.text = &time->text;
    else if (auto* raw = std::get_if<RawJson>(&v))
        k.text = &raw->text;
    return k;
}

int compareKeys(const SortKey& a, const SortKey& b) {
    if (a.null || b.null) return a.null == b.null ? 0 : (a.null ? -1 : 1);
    if (a.text && b.text) {
        const int c = a.text->compare(*b.text);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
}

std::vector<SortKey> keysOf(const std::vector<RecordPtr>& rows, std::size_t field) {
    std::vector<SortKey> keys;
    keys.reserve(rows.size());
    for (const auto& r : rows) keys.push_back(keyOf(r->values[field]));
    return keys;
}

// Sorts [first, last) of the index order; `middle` limits full ordering to a prefix.
template <class Iter>
void orderIndices(Iter first, Iter middle, Iter last, const std::vector<RecordPtr>& rows,
                  const std::vector<SortKey>& keys, bool desc,
                  const std::vector<uint64_t>* tieKeys) {
    auto less = [&](uint32_t a, uint32_t b) {
        int c = compareKeys(keys[a], keys[b]);
        if (desc) c = -c;
        if (c != 0) return c < 0;
        if (tieKeys && (*tieKeys)[a] != (*tieKeys)[b]) return (*tieKeys)[a] < (*tieKeys)[b];
        return rows[a]->id < rows[b]->id;
    };
    if (middle == last)
        std::sort(first, last, less);
    else
        std::partial_sort(first, middle, last, less);
}

}  // namespace

std::vector<RecordPtr> selectPage(const std::vector<RecordPtr>& rows, const SortSpec& sort,
                                  Rng* tieShuffle, int64_t position, int64_t size) {
    const auto n = static_cast<int64_t>(rows.size());
    if (position >= n || size <= 0) return {};
    const int64_t end = std::min(n, position + std::min(size, n));
    std::vector<RecordPtr> page;
    page.reserve(static_cast<std::size_t>(end - position));
    if (!sort.field) {
        for (int64_t i = position; i < end; ++i) page.push_back(rows[static_cast<std::size_t>(i)]);
        return page;
    }
    const auto keys = keysOf(rows, *sort.field);
    std::vector<uint64_t> tieKeys;
    if (tieShuffle) {
        tieKeys.resize(rows.size());
        for (auto& k : tieKeys) k = tieShuffle->next();
    }
    std::vector<uint32_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0u);
    orderIndices(order.begin(), order.begin() + end, order.end(), rows, keys, sort.desc,
                 tieShuffle ? &tieKeys : nullptr);
    for (int64_t i = position; i < end; ++i)
        page.push_back(rows[order[static_cast<std::size_t>(i)]]);
    return page;
}

std::vector<RecordPtr> sortRows(const std::vector<RecordPtr>& rows, const SortSpec& sort) {
    if (!sort.field) return rows;
    const auto keys = keysOf(rows, *sort.field);
    std::vector<uint32_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0u);
    orderIndices(order.begin(), order.end(), order.end(), rows, keys, sort.desc, nullptr);
    std::vector<RecordPtr> sorted;
    sorted.reserve(rows.size());
    for (uint32_t i : order) sorted.push_back(rows[i]);
    return sorted;
}

std::vector<RecordPtr> pageFromSorted(const std::vector<RecordPtr>& sorted, const SortSpec& sort,
                                      Rng* tieShuffle, int64_t position, int64_t size) {
    const auto n = static_cast<int64_t>(sorted.size());
    if (position >= n || size <= 0) return {};
    const int64_t end = std::min(n, position + std::min(size, n));
    if (!sort.field || !tieShuffle) {
        return std::vector<RecordPtr>(sorted.begin() + position, sorted.begin() + end);
    }
    // Widen the window to whole tie groups, shuffle each group, then cut the page out.
    const std::size_t f = *sort.field;
    auto sameKey = [&](int64_t a, int64_t b) {
        return compareKeys(keyOf(sorted[static_cast<std::size_t>(a)]->values[f]),
                           keyOf(sorted[static_cast<std::size_t>(b)]->values[f])) == 0;
    };
    int64_t lo = position, hi = end;
    while (lo > 0 && sameKey(lo - 1, position)) --lo;
    while (hi < n && sameKey(hi, end - 1)) ++hi;
    std::vector<RecordPtr> window(sorted.begin() + lo, sorted.begin() + hi);
    for (std::size_t groupStart = 0; groupStart < window.size();) {
        std::size_t groupEnd = groupStart + 1;
        while (groupEnd < window.size() && compareKeys(keyOf(window[groupStart]->values[f]),
                                                       keyOf(window[groupEnd]->values[f])) == 0)
            ++groupEnd;
        for (std::size_t i = groupEnd - 1; i > groupStart; --i) {
            const std::size_t j =
                groupStart + static_cast<std::size_t>(tieShuffle->below(i - groupStart + 1));
            std::swap(window[i], window[j]);
        }
        groupStart = groupEnd;
    }
    return std::vector<RecordPtr>(window.begin() + (position - lo), window.begin() + (end - lo));
}

}  // namespace intouch::sim
