#pragma once
// One record of a list page, mapped once and carrying what the traversal needs
// to place it in the list order (cursor value and key) whether or not the
// mapping succeeded: a rejected record still occupies its place in the list.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Json.hpp"
#include "mapping/MappedRecord.hpp"
#include "mapping/RecordMapper.hpp"

namespace intouch {

struct ListItem {
    std::optional<MappedRecord> mapped;
    std::optional<RejectedRecord> reject;
    std::optional<std::int64_t> cursor;  // UTC microseconds of the cursor field
    std::string key;                     // keyText(): "id=123"; "" when unreadable
    std::optional<std::int64_t> numericId;
};

// Maps every item of a page; never throws for a bad record (it becomes a reject).
// `text` is the page body the items were parsed from ("" when not at hand).
std::vector<ListItem> mapItems(const std::vector<json::Value>& items, const RecordMapper& mapper,
                               std::string_view text = {});

}  // namespace intouch
