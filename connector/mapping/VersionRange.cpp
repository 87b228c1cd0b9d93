#include "mapping/VersionRange.hpp"

#include <cctype>

namespace intouch {

std::optional<CrmVersion> parseCrmVersion(const std::string& text) {
    CrmVersion out;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t start = i;
        long part = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            part = part * 10 + (text[i] - '0');
            if (part > 1000000) return std::nullopt;
            ++i;
        }
        if (i == start) return std::nullopt;
        out.push_back(static_cast<int>(part));
        if (out.size() > 4) return std::nullopt;
        if (i == text.size()) return out;
        if (text[i] != '.') return std::nullopt;
        ++i;
    }
    return std::nullopt;
}

std::string crmVersionText(const CrmVersion& v) {
    if (v.empty()) return "unknown";
    std::string out;
    // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on "." + string.
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += '.';
        out += std::to_string(v[i]);
    }
    return out;
}

int compareCrmVersions(const CrmVersion& a, const CrmVersion& b) {
    for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
        const int x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

bool VersionRange::admits(const CrmVersion& v) const {
    if (v.empty()) return true;
    if (since && compareCrmVersions(v, *since) < 0) return false;
    if (until && compareCrmVersions(v, *until) >= 0) return false;
    return true;
}

std::string VersionRange::describe() const {
    if (since && until)
        return "from CRM " + crmVersionText(*since) + " on and before CRM " +
               crmVersionText(*until);
    if (since) return "from CRM " + crmVersionText(*since) + " on";
    if (until) return "before CRM " + crmVersionText(*until);
    return "in every version";
}

}  // namespace intouch
