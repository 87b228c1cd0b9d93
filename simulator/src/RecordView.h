#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "DateTimeFormat.h"
#include "Record.h"
#include "Schema.h"

namespace intouch::sim {

// How one endpoint presents records of a resource: /api/comments renames `note` to
// `comment`; /api/buscases without caseType shows only the fields common to all case types.
struct RecordView {
    static constexpr int kAllFields = -1;
    int caseType =
        kAllFields;  // buscases: -1 every carried field, 0 common only, k common + type k
    bool commentsNaming = false;

    friend bool operator==(const RecordView&, const RecordView&) = default;
};

// The view a plain list request (no caseType, /notes naming) uses; --precompute caches it.
RecordView defaultListView(Resource r);

bool fieldVisible(const FieldDef& f, const RecordView& v);
std::string_view visibleName(const FieldDef& f, const RecordView& v);
// Field index for a name as the view spells it (for orderBy); nullopt if the view has none.
std::optional<std::size_t> viewFieldIndex(const ResourceSchema& s, const RecordView& v,
                                          std::string_view name);

void appendRecordJson(std::string& out, const ResourceSchema& s, const Record& r,
                      const RecordView& v, DateTimeFormat f);
std::string recordJson(const ResourceSchema& s, const Record& r, const RecordView& v,
                       DateTimeFormat f);

}  // namespace intouch::sim
