#pragma once
// CRM versions as /api/about reports them ([major, minor, patch, build]) and the ranges a
// mapping declares with `since:` / `until:` (docs/mapping-language.md, "CRM versions").

#include <optional>
#include <string>
#include <vector>

namespace intouch {

using CrmVersion = std::vector<int>;  // empty = unknown

// "6.5" -> {6, 5}; nullopt unless 1 to 4 dot-separated non-negative integers.
std::optional<CrmVersion> parseCrmVersion(const std::string& text);
std::string crmVersionText(const CrmVersion& v);  // "6.5"; "unknown" when empty
// Missing parts count as 0: 6.5 == 6.5.0.0 < 6.5.0.1.
int compareCrmVersions(const CrmVersion& a, const CrmVersion& b);

// The versions that serve something: since <= v < until (either end open).
struct VersionRange {
    std::optional<CrmVersion> since;  // first version that serves it
    std::optional<CrmVersion> until;  // first version that no longer serves it

    bool declared() const { return since || until; }
    // An unknown version (empty) is admitted: without it, nothing can be ruled out.
    bool admits(const CrmVersion& v) const;
    // "from CRM 6.5 on", "before CRM 7.0", "from CRM 6.5 on and before CRM 7.0", "in every version"
    std::string describe() const;
};

}  // namespace intouch
