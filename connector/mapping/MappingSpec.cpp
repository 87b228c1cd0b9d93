#include "mapping/MappingSpec.hpp"

namespace intouch {

const char* syncModeName(SyncMode mode) {
    return mode == SyncMode::Incremental ? "incremental" : "full_replace";
}

const char* pagingName(Paging paging) {
    switch (paging) {
        case Paging::Paged:
            return "paged";
        case Paging::Unpaged:
            return "unpaged";
        case Paging::PlainArray:
            return "array";
    }
    return "?";
}

const char* piiName(Pii pii) {
    switch (pii) {
        case Pii::None:
            return "none";
        case Pii::Exclude:
            return "exclude";
        case Pii::Hash:
            return "hash";
    }
    return "?";
}

bool StreamSpec::hashesPersonalData() const {
    auto hashed = [](const std::vector<ColumnSpec>& cols) {
        for (const auto& c : cols)
            if (c.pii == Pii::Hash) return true;
        return false;
    };
    if (!extraHash.empty() || hashed(columns)) return true;
    for (const auto& child : children)
        if (hashed(child.columns)) return true;
    return false;
}

std::string ColumnSpec::labelColumn() const {
    if (decode.empty()) return "";
    return name + (codeSet ? "_labels" : "_label");
}

std::vector<std::string> StreamSpec::valueColumns() const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(c.name);
    if (!extraColumn.empty()) out.push_back(extraColumn);
    if (!rawColumn.empty()) out.push_back(rawColumn);
    return out;
}

std::vector<std::string> StreamSpec::childParentKeyColumns() const {
    std::vector<std::string> out;
    for (const auto& k : primaryKey) out.push_back(kParentKeyPrefix + k);
    return out;
}

std::vector<std::string> StreamSpec::childValueColumns(std::size_t child) const {
    std::vector<std::string> out = childParentKeyColumns();
    out.emplace_back(kChildIndexColumn);
    const ChildSpec& c = children.at(child);
    for (const auto& col : c.columns) out.push_back(col.name);
    if (!c.extraColumn.empty()) out.push_back(c.extraColumn);
    return out;
}

const ColumnSpec* StreamSpec::findColumn(const std::string& name) const {
    for (const auto& c : columns)
        if (c.name == name) return &c;
    return nullptr;
}

StreamSpec StreamSpec::atEndpoint(const EndpointAlternative& alternative) const {
    StreamSpec out = *this;
    out.endpoint = alternative.name;
    for (const auto& [column, source] : alternative.sources) {
        for (auto& c : out.columns) {
            if (c.name != column) continue;
            c.sourcePath = source;
            // Checked by the loader; a path that does not parse cannot get here.
            c.path = JsonPath::parse(source);
        }
        for (auto& c : out.excludedColumns) {
            if (c.name != column) continue;
            c.sourcePath = source;
            // Checked by the loader; a path that does not parse cannot get here.
            c.path = JsonPath::parse(source);
        }
    }
    return out;
}

}  // namespace intouch
