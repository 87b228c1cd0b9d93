#include "MemoryList.hpp"

#include <algorithm>

#include "common/Errors.hpp"

namespace intouch::testing {

namespace {
constexpr std::int64_t kOrigin = 1'700'000'000LL * 1'000'000;  // 2023-11-14, UTC microseconds

ListItem itemOf(std::int64_t id, std::int64_t modified) {
    ListItem item;
    item.mapped = MappedRecord{};
    item.mapped->keyValues = {std::to_string(id)};
    item.mapped->cursorMicros = modified;
    item.cursor = modified;
    item.key = "id=" + std::to_string(id);
    item.numericId = id;
    return item;
}
}  // namespace

std::int64_t at(std::int64_t seconds) {
    return kOrigin + seconds * 1'000'000;
}

MemoryList::MemoryList(std::string stream) : stream_(stream), checks_(stream, "modified") {}

void MemoryList::put(std::int64_t id, std::int64_t modified) {
    records_[id] = modified;
}

void MemoryList::erase(std::int64_t id) {
    records_.erase(id);
}

void MemoryList::fill(std::int64_t count, std::int64_t first, std::int64_t tieSize) {
    for (std::int64_t i = 1; i <= count; ++i) put(i, at(first + (i - 1) / tieSize));
}

std::vector<std::pair<std::int64_t, std::int64_t>> MemoryList::byModified() const {
    std::vector<std::pair<std::int64_t, std::int64_t>> out(records_.begin(), records_.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    return out;
}

std::int64_t MemoryList::newestModified() const {
    std::int64_t m = 0;
    for (const auto& [id, modified] : records_) m = std::max(m, modified);
    return m;
}

std::int64_t MemoryList::largestId() const {
    return records_.empty() ? 0 : records_.rbegin()->first;
}

std::vector<std::pair<std::int64_t, std::int64_t>> MemoryList::ordered(const std::string& orderBy) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out(records_.begin(), records_.end());
    if (orderBy == "id") return out;
    if (shuffleTies) std::shuffle(out.begin(), out.end(), rng_);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    return out;
}

ListPage MemoryList::read(std::int64_t position, int size, const std::string& orderBy) {
    ++requests_;
    if (size > 1) {
        ++pageRequests_;
        positions_.push_back(position);
    }
    if (beforeAnswer) beforeAnswer(*this, Request{requests_, position, size});
    const auto list = ordered(orderBy);
    const std::int64_t from = ignorePosition ? 0 : position;
    const std::int64_t served = sizeCap > 0 ? std::min(size, sizeCap) : size;
    ListPage page;
    for (std::int64_t i = from; i < from + served && i < static_cast<std::int64_t>(list.size());
         ++i)
        page.items.push_back(itemOf(list[i].first, list[i].second));
    if (misorder && page.items.size() >= 2) std::reverse(page.items.begin(), page.items.end());
    if (!dropTotal) page.total = static_cast<std::int64_t>(list.size()) + overstateTotal;
    page.serverDate = clock != 0 ? clock : newestModified() + 86'400'000'000LL;
    // The same rules as every answer from the CRM.
    PageRequest request;
    request.endpoint = stream_;
    request.position = position;
    request.size = size;
    request.orderBy = orderBy;
    Page envelope;
    envelope.total = page.total;
    envelope.position = position;
    envelope.echoedPosition = from;
    checks_.check(request, envelope, page.items);
    return page;
}

void MemoryTable::submit(PageBatch batch) {
    ++commits;
    for (const auto& record : batch.records) {
        const std::int64_t id = std::stoll(record.keyValues.at(0));
        auto [it, inserted] = rows.emplace(id, *record.cursorMicros);
        if (!inserted && it->second <= *record.cursorMicros) it->second = *record.cursorMicros;
        ++written_;
    }
    if (batch.checkpoint) checkpoints.push_back(*batch.checkpoint);
}

}  // namespace intouch::testing
