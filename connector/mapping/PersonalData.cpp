#include "mapping/PersonalData.hpp"

#include "mapping/HmacSha256.hpp"

namespace intouch {

namespace {

void collect(const std::vector<ColumnSpec>& columns, const std::vector<ColumnSpec>& excluded,
             std::vector<JsonPath>& exclude, std::vector<JsonPath>& hash) {
    for (const auto& c : excluded) exclude.push_back(c.path);
    for (const auto& c : columns)
        if (c.pii == Pii::Hash) hash.push_back(c.path);
}

json::Value* member(json::Value& object, const std::string& key) {
    for (auto& [k, v] : object.members())
        if (k == key) return &v;
    return nullptr;
}

// Where `path` leads in `root`: the value, and the object or array holding it (null for the
// root itself). `value` is null when the path does not reach a value. `holders` (when given)
// receives every object and array on the way, root first: what a change must take the
// canonical span from (json::Value::forgetCanonicalSpan).
struct Place {
    json::Value* value = nullptr;
    json::Value* parent = nullptr;
    bool inArray = false;
};

Place locate(const JsonPath& path, json::Value& root, std::vector<json::Value*>* holders = nullptr) {
    std::vector<ResolvedStep> steps;
    if (!path.resolve(root, steps) || steps.size() != path.steps().size()) return {};
    if (holders) holders->clear();
    Place place{&root, nullptr, false};
    for (const ResolvedStep& s : steps) {
        place.parent = place.value;
        if (holders) holders->push_back(place.parent);
        place.inArray = s.isIndex;
        place.value = s.isIndex ? &place.value->items()[s.index] : member(*place.value, s.key);
        if (place.value == nullptr) return {};
    }
    return place;
}

void forgetSpans(const std::vector<json::Value*>& holders) {
    for (json::Value* v : holders) v->forgetCanonicalSpan();
}

// Whether `path` reaches a value in `record` that a rule would change: for a hash, a
// value that is not null; for an exclusion, any value.
bool reaches(const JsonPath& path, const json::Value& record, bool nullCounts) {
    std::vector<ResolvedStep> steps;
    if (!path.resolve(record, steps) || steps.size() != path.steps().size()) return false;
    if (nullCounts) return true;
    const json::Value* v = path.find(record);
    return v != nullptr && !v->isNull();
}

// What is hashed: a scalar's text (scalarText), or the compact JSON of an object or array.
std::string hashedText(const json::Value& v) {
    if (auto text = scalarText(v)) return *std::move(text);
    return v.toJson();
}

}  // namespace

PersonalData::PersonalData(const StreamSpec& spec) : key_(spec.piiKey) {
    collect(spec.columns, spec.excludedColumns, record_.exclude, record_.hash);
    record_.exclude.insert(record_.exclude.end(), spec.extraExclude.begin(),
                           spec.extraExclude.end());
    record_.hash.insert(record_.hash.end(), spec.extraHash.begin(), spec.extraHash.end());
    any_ = !record_.exclude.empty() || !record_.hash.empty();
    for (const auto& child : spec.children) {
        Rules rules;
        collect(child.columns, child.excludedColumns, rules.exclude, rules.hash);
        if (rules.exclude.empty() && rules.hash.empty()) continue;
        children_.emplace_back(child.path, std::move(rules));
        any_ = true;
    }
}

bool PersonalData::changes(const Rules& rules, const json::Value& root) {
    for (const JsonPath& path : rules.hash)
        if (reaches(path, root, false)) return true;
    for (const JsonPath& path : rules.exclude)
        if (reaches(path, root, true)) return true;
    return false;
}

bool PersonalData::changes(const json::Value& record) const {
    if (!any_ || !record.isObject()) return false;
    for (const auto& [path, rules] : children_) {
        const json::Value* array = path.find(record);
        if (array == nullptr || !array->isArray()) continue;
        for (const json::Value& element : array->items())
            if (changes(rules, element)) return true;
    }
    return changes(record_, record);
}

json::Value PersonalData::scrub(const json::Value& record) const {
    json::Value out = record;
    std::vector<json::Value*> holders;
    // Children first: their array paths are written against the record as received, and a
    // record-level rule may remove or hash the whole array.
    for (const auto& [path, rules] : children_) {
        json::Value* array = locate(path, out, &holders).value;
        if (array == nullptr || !array->isArray()) continue;
        bool changed = false;
        for (json::Value& element : array->items()) changed = apply(rules, element) || changed;
        if (!changed) continue;
        array->forgetCanonicalSpan();
        forgetSpans(holders);
    }
    apply(record_, out);
    return out;
}

bool PersonalData::apply(const Rules& rules, json::Value& root) const {
    bool changed = false;
    std::vector<json::Value*> holders;
    for (const JsonPath& path : rules.hash) {
        json::Value* v = locate(path, root, &holders).value;
        if (v == nullptr || v->isNull()) continue;
        *v = json::Value::makeString(hmacSha256Hex(key_, hashedText(*v)));
        forgetSpans(holders);
        changed = true;
    }
    for (const JsonPath& path : rules.exclude) {
        const Place place = locate(path, root, &holders);
        if (place.value == nullptr) continue;
        forgetSpans(holders);
        changed = true;
        if (place.parent == nullptr || place.inArray) {
            *place.value = json::Value();
            continue;
        }
        auto& members = place.parent->members();
        for (auto it = members.begin(); it != members.end(); ++it)
            if (&it->second == place.value) {
                members.erase(it);
                break;
            }
    }
    return changed;
}

}  // namespace intouch
