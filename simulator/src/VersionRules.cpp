#include "VersionRules.h"

#include "QueryParams.h"

namespace intouch::sim {

namespace {
// a < b, missing parts counting as 0.
bool before(const SimCrmVersion& a, const SimCrmVersion& b) {
    for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
        const int x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
        if (x != y) return x < y;
    }
    return false;
}
}  // namespace

std::optional<SimCrmVersion> parseSimCrmVersion(std::string_view text) {
    SimCrmVersion out;
    if (text.empty()) return out;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view part =
            text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (part.empty() || part.front() == '-') return std::nullopt;
        auto n = parseInt64(part);
        if (!n || *n > 1000000) return std::nullopt;
        out.push_back(static_cast<int>(*n));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (out.size() < 2 || out.size() > 4) return std::nullopt;
    return out;
}

std::string simCrmVersionText(const SimCrmVersion& v) {
    std::string out;
    // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on "." + string.
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += '.';
        out += std::to_string(v[i]);
    }
    return out;
}

std::vector<int> aboutVersion(const SimCrmVersion& v) {
    if (v.empty()) return {6, 5, 0, 1234};
    std::vector<int> out = v;
    if (out.size() < 3) out.push_back(0);
    if (out.size() < 4) out.push_back(1234);
    return out;
}

bool servesEndpoint(const SimCrmVersion& v, std::string_view resource) {
    if (v.empty()) return true;
    if (resource == "members") return !before(v, {6, 5});
    if (resource == "notes") return before(v, {7, 0});
    if (resource == "comments") return !before(v, {7, 0});
    return true;
}

}  // namespace intouch::sim
