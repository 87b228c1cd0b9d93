#include "mapping/Suggest.hpp"

#include <algorithm>
#include <cctype>

namespace intouch {

std::size_t editDistance(std::string_view a, std::string_view b) {
    // Damerau (optimal string alignment): a swapped pair is one typo, not two.
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
            const auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
            const std::size_t cost = ca == cb ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::optional<std::string> closestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t bestDistance = limit + 1;
    for (const auto& c : candidates) {
        const std::size_t dist = editDistance(word, c);
        if (dist < bestDistance) {
            bestDistance = dist;
            best = c;
        }
    }
    return best;
}

}  // namespace intouch
