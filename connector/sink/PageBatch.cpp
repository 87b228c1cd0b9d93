#include "sink/PageBatch.hpp"

#include <stdexcept>
#include <unordered_map>

namespace intouch {

void rowKey(const std::vector<std::string>& keyValues, std::string& key) {
    key.clear();
    for (const auto& v : keyValues) key.append(v).push_back('\0');
}

PageBatch mergePagesInReadOrder(std::vector<PageBatch>& pages) {
    for (std::size_t i = 0; i + 1 < pages.size(); ++i)
        if (!pages[i].rejects.empty())
            throw std::logic_error("writePages: rejects on a page other than the last");
    PageBatch merged;
    std::unordered_map<std::string, std::size_t> at;
    std::string key;
    for (auto& page : pages) {
        for (auto& rec : page.records) {
            rowKey(rec.keyValues, key);
            auto [it, fresh] = at.try_emplace(key, merged.records.size());
            if (fresh) {
                merged.records.push_back(std::move(rec));
                continue;
            }
            MappedRecord& kept = merged.records[it->second];
            if (!kept.cursorMicros || !rec.cursorMicros || *rec.cursorMicros >= *kept.cursorMicros)
                kept = std::move(rec);
        }
        for (auto& r : page.rejects) merged.rejects.push_back(std::move(r));
        if (page.checkpoint) merged.checkpoint = std::move(page.checkpoint);
    }
    return merged;
}

}  // namespace intouch
