#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intouch::sim {

// Decoded query parameters in request order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The first occurrence wins when a parameter is repeated.
const std::string* findParam(const QueryParams& q, std::string_view name);

// Strict parsers: the whole text must match, no signs other than a leading '-', no spaces.
std::optional<int64_t> parseInt64(std::string_view s);
// "true"/"false" (and "1"/"0" when allowDigits, for the control API's 0/1 knobs).
std::optional<bool> parseBool(std::string_view s, bool allowDigits);
std::optional<double> parseDouble(std::string_view s);

}  // namespace intouch::sim
