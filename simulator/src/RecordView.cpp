#include "RecordView.h"

#include "JsonWriter.h"

namespace intouch::sim {

RecordView defaultListView(Resource r) {
    RecordView v;
    if (r == Resource::Buscases) v.caseType = 0;
    return v;
}

bool fieldVisible(const FieldDef& f, const RecordView& v) {
    if (f.caseType == 0 || v.caseType == RecordView::kAllFields) return true;
    return f.caseType == v.caseType;
}

std::string_view visibleName(const FieldDef& f, const RecordView& v) {
    if (v.commentsNaming && f.name == "note") return "comment";
    return f.name;
}

std::optional<std::size_t> viewFieldIndex(const ResourceSchema& s, const RecordView& v,
                                          std::string_view name) {
    for (std::size_t i = 0; i < s.fields.size(); ++i) {
        if (fieldVisible(s.fields[i], v) && visibleName(s.fields[i], v) == name) return i;
    }
    return std::nullopt;
}

void appendRecordJson(std::string& out, const ResourceSchema& s, const Record& r,
                      const RecordView& v, DateTimeFormat f) {
    if (!r.cachedJson.empty() && v == defaultListView(s.resource)) {
        out.append(r.cachedJson);
        return;
    }
    out.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < s.fields.size() && i < r.values.size(); ++i) {
        const FieldDef& fd = s.fields[i];
        if (!fieldVisible(fd, v) || !isPresent(r.values[i])) continue;
        if (!first) out.push_back(',');
        first = false;
        json::appendString(out, visibleName(fd, v));
        out.push_back(':');
        appendValueJson(out, r.values[i], f);
    }
    out.push_back('}');
}

std::string recordJson(const ResourceSchema& s, const Record& r, const RecordView& v,
                       DateTimeFormat f) {
    std::string out;
    appendRecordJson(out, s, r, v, f);
    return out;
}

}  // namespace intouch::sim
