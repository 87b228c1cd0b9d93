#include "mapping/ExtraFields.hpp"

#include "mapping/ValueConverter.hpp"

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

std::optional<std::string> ExtraFields::remainderJsonb(const json::Value& value,
                                                       int* replacedNul) const {
    std::string out;
    if (!appendPruned(out, value, root_, replacedNul)) return std::nullopt;
    return out;
}

template <typename RuleOf>
bool ExtraFields::appendPrunedObject(std::string& out, const json::Value& v, RuleOf&& ruleOf,
                                     int* replacedNul) {
    const std::size_t start = out.size();
    out += '{';
    bool removed = false;
    bool any = false;
    const auto& members = v.members();
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& [key, child] = members[i];
        const Node* rule = ruleOf(i, key);
        if (rule != nullptr && rule->whole) {  // the common case: a mapped column
            removed = true;
            continue;
        }
        const std::size_t before = out.size();
        int replaced = 0;
        if (any) out += ',';
        appendJsonbString(out, key, &replaced);
        out += ':';
        if (rule == nullptr) {
            appendJsonb(out, child, &replaced);
        } else if (!appendPruned(out, child, *rule, &replaced)) {
            out.resize(before);
            removed = true;
            continue;
        }
        any = true;
        if (replacedNul) *replacedNul += replaced;
    }
    if (removed && !any) {
        out.resize(start);
        return false;
    }
    out += '}';
    return true;
}

const ExtraFields::Node* ExtraFields::memberRule(const std::string& key) const {
    auto it = root_.keys.find(key);
    return it == root_.keys.end() ? nullptr : &it->second;
}

std::optional<std::string> ExtraFields::remainderJsonb(const json::Value& object,
                                                       const std::vector<const Node*>& memberRules,
                                                       int* replacedNul) const {
    if (root_.whole || !object.isObject() || root_.keys.empty() ||
        memberRules.size() != object.members().size())
        return remainderJsonb(object, replacedNul);
    std::string out;
    if (!appendPrunedObject(
            out, object, [&memberRules](std::size_t i, const std::string&) { return memberRules[i]; },
            replacedNul))
        return std::nullopt;
    return out;
}

// prune() and appendJsonb() in one pass. What is written for a member or an
// element that turns out to be consumed whole is cut off again, and its U+0000
// replacements are counted only when it stays, as jsonbText of the pruned value counts.
bool ExtraFields::appendPruned(std::string& out, const json::Value& v, const Node& n,
                               int* replacedNul) {
    if (n.whole) return false;
    if (v.isObject() && !n.keys.empty())
        return appendPrunedObject(
            out, v,
            [&n](std::size_t, const std::string& key) -> const Node* {
                auto it = n.keys.find(key);
                return it == n.keys.end() ? nullptr : &it->second;
            },
            replacedNul);
    if (v.isArray() && !n.indexes.empty()) {
        const std::size_t start = out.size();
        const auto& in = v.items();
        std::size_t gone = 0;
        out += '[';
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (i) out += ',';
            auto it = n.indexes.find(i);
            if (it == n.indexes.end()) {
                appendJsonb(out, in[i], replacedNul);
                continue;
            }
            const std::size_t before = out.size();
            int replaced = 0;
            if (appendPruned(out, in[i], it->second, &replaced)) {
                if (replacedNul) *replacedNul += replaced;
            } else {
                out.resize(before);
                out += "null";
                ++gone;
            }
        }
        if (gone > 0 && gone == in.size()) {
            out.resize(start);
            return false;
        }
        out += ']';
        return true;
    }
    appendJsonb(out, v, replacedNul);
    return true;
}

}  // namespace intouch
