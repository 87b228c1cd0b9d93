#pragma once
// "Did you mean" for misspelt keys, types and transforms in mapping files.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intouch {

std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` if it is plausibly a typo of it (distance at
// most a third of the word's length, at least 1, at most 3); else nullopt.
std::optional<std::string> closestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace intouch
