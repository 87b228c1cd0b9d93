#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intouch::sim {

// The data-carrying resources. Comments are the notes under their later name (a view of the
// same records), lists are static and have no schema.
enum class Resource {
    Parties,
    Comm,
    Opportunities,
    Buscases,
    Invoices,
    Products,
    Stores,
    Notes,
    Files,
    Members
};
inline constexpr std::size_t kResourceCount = 10;

enum class FieldKind { Int, Decimal, String, Bool, Date, Time, DateTime, Nested };

struct FieldDef {
    std::string name;
    FieldKind kind;
    // 0: common to every record; k > 0: only buscases of caseType k carry it.
    int caseType = 0;
};

struct ResourceSchema {
    Resource resource;
    std::string name;  // path segment, e.g. "parties"
    std::vector<FieldDef> fields;
    // Members have no id: the internal Record::id only orders them.
    bool hasId = true;
    bool hasModified = true;

    std::optional<std::size_t> indexOf(std::string_view field) const;
};

const ResourceSchema& schemaFor(Resource r);
const std::array<Resource, kResourceCount>& allResources();
std::string_view resourceName(Resource r);
// Accepts the path names ("parties", ..., "notes", "members") and "comments" as notes.
std::optional<Resource> resourceFromName(std::string_view name);

}  // namespace intouch::sim
