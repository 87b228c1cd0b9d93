#include "RecordBuilder.h"

#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace intouch::sim {

namespace {

using IndexMap = std::unordered_map<std::string_view, std::size_t>;

const std::array<IndexMap, kResourceCount>& indexMaps() {
    static const auto maps = [] {
        std::array<IndexMap, kResourceCount> m;
        for (Resource r : allResources()) {
            const auto& s = schemaFor(r);
            for (std::size_t i = 0; i < s.fields.size(); ++i)
                m[static_cast<std::size_t>(r)].emplace(s.fields[i].name, i);
        }
        return m;
    }();
    return maps;
}

}  // namespace

std::size_t fieldIndex(Resource r, std::string_view field) {
    const auto& m = indexMaps()[static_cast<std::size_t>(r)];
    auto it = m.find(field);
    if (it == m.end())
        throw std::logic_error("no field '" + std::string(field) + "' in " +
                               std::string(resourceName(r)));
    return it->second;
}

RecordBuilder::RecordBuilder(Resource r, int64_t id) : resource_(r) {
    record_.id = id;
    record_.values.assign(schemaFor(r).fields.size(), Absent{});
    if (schemaFor(r).hasId) record_.values[0] = id;
}

RecordBuilder& RecordBuilder::set(std::string_view field, Value v) {
    record_.values[fieldIndex(resource_, field)] = std::move(v);
    return *this;
}

}  // namespace intouch::sim
