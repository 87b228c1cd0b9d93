#include "mapping/ExtraFields.hpp"

namespace intouch {

void ExtraFields::consume(const std::vector<ResolvedStep>& steps) {
    Node* n = &root_;
    for (const auto& s : steps) {
        if (n->whole) return;
        n = s.isIndex ? &n->indexes[s.index] : &n->keys[s.key];
    }
    n->whole = true;
    n->keys.clear();
    n->indexes.clear();
}

std::optional<json::Value> ExtraFields::remainder(const json::Value& value) const {
    return prune(value, root_);
}

std::optional<json::Value> ExtraFields::prune(const json::Value& v, const Node& n) {
    if (n.whole) return std::nullopt;
    if (v.isObject() && !n.keys.empty()) {
        std::vector<json::Member> kept;
        bool removed = false;
        for (const auto& [key, child] : v.members()) {
            auto it = n.keys.find(key);
            if (it == n.keys.end()) {
                kept.emplace_back(key, child);
                continue;
            }
            auto r = prune(child, it->second);
            if (r)
                kept.emplace_back(key, std::move(*r));
            else
                removed = true;
        }
        if (removed && kept.empty()) return std::nullopt;
        return json::Value::makeObject(std::move(kept));
    }
    if (v.isArray() && !n.indexes.empty()) {
        std::vector<json::Value> items;
        std::size_t gone = 0;
        const auto& in = v.items();
        for (std::size_t i = 0; i < in.size(); ++i) {
            auto it = n.indexes.find(i);
            if (it == n.indexes.end()) {
                items.push_back(in[i]);
                continue;
            }
            auto r = prune(in[i], it->second);
            if (r) {
                items.push_back(std::move(*r));
            } else {
                items.emplace_back();
                ++gone;
            }
        }
        if (gone > 0 && gone == in.size()) return std::nullopt;
        return json::Value::makeArray(std::move(items));
    }
    return v;
}

}  // namespace intouch
