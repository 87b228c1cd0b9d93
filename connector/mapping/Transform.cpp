#include "mapping/Transform.hpp"

#include "mapping/Utf8.hpp"

namespace intouch {

namespace {

struct Entry {
    TransformKind kind;
    const char* name;
};
constexpr Entry kTransforms[] = {
    {TransformKind::Trim, "trim"},
    {TransformKind::Lower, "lower"},
    {TransformKind::Upper, "upper"},
    {TransformKind::EmptyToNull, "empty_to_null"},
};

std::string trim(const std::string& s) {
    // Find the first and last non-space code points.
    std::size_t begin = s.size(), end = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t at = i;
        const char32_t cp = utf8::next(s, i);
        if (!utf8::isWhiteSpace(cp)) {
            if (begin == s.size()) begin = at;
            end = i;
        }
    }
    if (begin == s.size()) return "";
    return s.substr(begin, end - begin);
}

template <typename F>
std::string mapCodePoints(const std::string& s, F f) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) utf8::append(out, f(utf8::next(s, i)));
    return out;
}

}  // namespace

std::optional<TransformKind> parseTransform(std::string_view name) {
    for (const auto& e : kTransforms)
        if (name == e.name) return e.kind;
    return std::nullopt;
}

const char* transformName(TransformKind kind) {
    for (const auto& e : kTransforms)
        if (e.kind == kind) return e.name;
    return "?";
}

const std::vector<std::string>& transformNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& e : kTransforms) v.emplace_back(e.name);
        return v;
    }();
    return names;
}

void applyTransform(TransformKind kind, json::Value& value) {
    if (!value.isString()) return;
    const std::string& s = value.asString();
    switch (kind) {
        case TransformKind::Trim:
            value = json::Value::makeString(trim(s));
            break;
        case TransformKind::Lower:
            value = json::Value::makeString(mapCodePoints(s, utf8::toLower));
            break;
        case TransformKind::Upper:
            value = json::Value::makeString(mapCodePoints(s, utf8::toUpper));
            break;
        case TransformKind::EmptyToNull:
            if (s.empty()) value = json::Value();
            break;
    }
}

}  // namespace intouch
