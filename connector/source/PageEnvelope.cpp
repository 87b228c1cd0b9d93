#include "source/PageEnvelope.hpp"

#include "common/Errors.hpp"

namespace intouch {

namespace {
std::optional<std::int64_t> optionalInt(const json::Value& obj, const char* key,
                                        const std::string& what) {
    const json::Value* v = obj.find(key);
    if (!v || v->isNull()) return std::nullopt;
    std::int64_t n = 0;
    if (!v->toInt64(n))
        throw SourceError(what + ": page field '" + key + "' is not an integer: " + v->toJson());
    return n;
}
}  // namespace

Page parsePageEnvelope(json::Value body, const std::string& what) {
    if (!body.isObject())
        throw SourceError(what + ": expected a page object {total, position, size, items}, got a " +
                          json::typeName(body.type()));
    Page page;
    page.total = optionalInt(body, "total", what);
    page.echoedPosition = optionalInt(body, "position", what);
    page.position = page.echoedPosition.value_or(0);
    for (auto& [key, value] : body.members()) {
        if (key != "items") continue;
        if (!value.isArray())
            throw SourceError(what + ": page field 'items' is not an array");
        page.items = std::move(value.items());
        for (const auto& item : page.items)
            if (!item.isObject())
                throw SourceError(what + ": page item is a " + json::typeName(item.type()) +
                                  ", not an object");
        return page;
    }
    throw SourceError(what + ": page has no 'items' array");
}

}  // namespace intouch
