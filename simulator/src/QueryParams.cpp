#include "QueryParams.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace intouch::sim {

const std::string* findParam(const QueryParams& q, std::string_view name) {
    for (const auto& [k, v] : q)
        if (k == name) return &v;
    return nullptr;
}

std::optional<int64_t> parseInt64(std::string_view s) {
    if (s.empty() || s.front() == '+') return std::nullopt;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<bool> parseBool(std::string_view s, bool allowDigits) {
    if (s == "true") return true;
    if (s == "false") return false;
    if (allowDigits && s == "1") return true;
    if (allowDigits && s == "0") return false;
    return std::nullopt;
}

std::optional<double> parseDouble(std::string_view s) {
    if (s.empty() || s.front() == '+' || s.front() == ' ') return std::nullopt;
    std::string copy(s);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace intouch::sim
