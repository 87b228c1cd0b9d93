#include "mapping/CodeListSource.hpp"

#include <algorithm>

namespace intouch {

namespace {

bool hasColumn(const std::vector<ColumnSpec>& columns, const std::string& name) {
    return std::any_of(columns.begin(), columns.end(),
                       [&](const ColumnSpec& c) { return c.name == name; });
}

bool decodes(const std::vector<ColumnSpec>& columns) {
    return std::any_of(columns.begin(), columns.end(),
                       [](const ColumnSpec& c) { return !c.decode.empty(); });
}

}  // namespace

std::optional<CodeListSource> findCodeListSource(const std::vector<StreamSpec>& streams) {
    for (const auto& s : streams) {
        if (s.name != kCodeListStream || s.primaryKey.size() != 1) continue;
        for (const auto& child : s.children) {
            CodeListSource src;
            if (!hasColumn(child.columns, src.codeColumn) ||
                !hasColumn(child.columns, src.labelColumn))
                continue;
            src.itemsTable = child.table;
            src.listColumn = s.childParentKeyColumns().front();
            return src;
        }
    }
    return std::nullopt;
}

bool decodesAnything(const StreamSpec& spec) {
    if (decodes(spec.columns)) return true;
    return std::any_of(spec.children.begin(), spec.children.end(),
                       [](const ChildSpec& c) { return decodes(c.columns); });
}

}  // namespace intouch
