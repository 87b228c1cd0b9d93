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
// root itself). `value` is null when the path does not reach a value.
struct Place {
    json::Value* value = nullptr;
    json::Value* parent = nullptr;
    bool inArray = false;
};

Place locate(const JsonPath& path, json::Value& root) {
    std::vector<ResolvedStep> steps;
    if (!path.resolve(root, steps) || steps.size() != path.steps().size()) return {};
    Place place{&root, nullptr, false};
    for (const ResolvedStep& s : steps) {
        place.parent = place.value;
        place.inArray = s.isIndex;
        place.value = s.isIndex ? &place.value->items()[s.index] : member(*place.value, s.key);
        if (place.value == nullptr) return {};
    }
    return place;
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

json::Value PersonalData::scrub(const json::Value& record) const {
    json::Value out = record;
    // Children first: their array paths are written against the record as received, and a
    // record-level rule may remove or hash the whole array.
    for (const auto& [path, rules] : children_) {
        json::Value* array = locate(path, out).value;
        if (array == nullptr || !array->isArray()) continue;
        for (json::Value& element : array->items()) apply(rules, element);
    }
    apply(record_, out);
    return out;
}

void PersonalData::apply(const Rules& rules, json::Value& root) const {
    for (const JsonPath& path : rules.hash) {
        json::Value* v = locate(path, root).value;
        if (v == nullptr || v->isNull()) continue;
        *v = json::Value::makeString(hmacSha256Hex(key_, hashedText(*v)));
    }
    for (const JsonPath& path : rules.exclude) {
        const Place place = locate(path, root);
        if (place.value == nullptr) continue;
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
}

}  // namespace intouch
