// The JSON parser reads every byte the CRM sends. Beyond "does not crash", it
// checks the properties the rest of the connector relies on: what parses
// serializes to JSON that parses to the same value (numbers keep their text), and
// a canonical span, where one is claimed, holds exactly the compact form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/Json.hpp"

using namespace intouch;

namespace {
void checkSpans(const json::Value& v, std::string_view text) {
    std::string_view canonical = v.canonicalText(text);
    if (!canonical.empty() && canonical != v.toJson()) std::abort();
    if (v.isArray())
        for (const auto& item : v.items()) checkSpans(item, text);
    if (v.isObject())
        for (const auto& [key, value] : v.members()) checkSpans(value, text);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    json::Value value;
    json::ParseStats stats;
    try {
        value = json::parse(text, &stats);
    } catch (const json::ParseError& e) {
        if (e.offset() > size) std::abort();  // the offset must point into the input
        return 0;
    }
    const std::string once = value.toJson();
    json::ParseStats again;
    const json::Value reparsed = json::parse(once, &again);  // must not throw
    if (!(reparsed == value)) std::abort();
    if (again.invalidUtf8Bytes != 0) std::abort();  // output is valid UTF-8
    if (reparsed.toJson() != once) std::abort();
    checkSpans(value, text);
    return 0;
}
