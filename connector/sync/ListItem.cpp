#include "sync/ListItem.hpp"

#include <charconv>

#include "common/Log.hpp"

namespace intouch {

std::vector<ListItem> mapItems(const std::vector<json::Value>& items, const RecordMapper& mapper,
                               std::string_view text) {
    std::vector<ListItem> out;
    out.reserve(items.size());
    for (const auto& raw : items) {
        ListItem item;
        try {
            item.mapped = mapper.map(raw, text);
            item.cursor = item.mapped->cursorMicros;
            item.key = keyText(mapper.spec().primaryKey, item.mapped->keyValues);
            if (item.mapped->keyValues.size() == 1) {
                const std::string& k = item.mapped->keyValues[0];
                std::int64_t id = 0;
                auto [p, ec] = std::from_chars(k.data(), k.data() + k.size(), id);
                if (ec == std::errc() && p == k.data() + k.size()) item.numericId = id;
            }
            if (item.mapped->replacedNulChars > 0)
                log::warn(
                    "NUL characters replaced by U+FFFD: PostgreSQL text and jsonb cannot hold them",
                    {{"stream", mapper.spec().name},
                     {"record", item.key},
                     {"replaced", std::to_string(item.mapped->replacedNulChars)}});
        } catch (const RecordError& e) {
            item.mapped.reset();
            item.key = mapper.describeKey(raw);
            item.cursor = mapper.cursorMicros(raw);
            item.reject = RejectedRecord{item.key, mapper.storableJson(raw), e.what()};
            if (const json::Value* id = raw.find("id")) {
                std::int64_t n = 0;
                if (id->toInt64(n)) item.numericId = n;
            }
        }
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace intouch
