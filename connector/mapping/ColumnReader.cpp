#include "mapping/ColumnReader.hpp"

#include <set>

#include "mapping/MappingLoader.hpp"
#include "mapping/Suggest.hpp"
#include "mapping/ValueConverter.hpp"

namespace intouch {

namespace {

const std::vector<std::string> kColumnKeys{"name",       "source",      "type",   "required",
                                           "default",    "transforms",  "map",    "map_strict",
                                           "description", "decode",     "code_set",   "pii"};

// `decode:` and `code_set:`: which code list the value's codes come from, and whether the
// value is one code or a set of them. Only types whose text is a code can be decoded.
bool readDecode(YamlReader& r, const Entries& e, const YAML::Node& owner, ColumnSpec& c,
                bool typed) {
    bool ok = true;
    auto list = r.scalar(e, "decode", "decode: LIST_ID (the id of a code list, e.g. categories)",
                         false, owner);
    const auto set = r.boolean(e, "code_set");
    if (e.count("code_set") && !e.at("code_set").value.IsNull() && !set) ok = false;
    if (set && *set && !list) {
        r.problem(e.at("code_set").key,
                  "code_set needs decode — add decode: LIST_ID or remove code_set");
        return false;
    }
    if (!list) return ok;
    c.decodeAt = r.at(e.at("decode").value);
    if (list->empty()) {
        r.problem(e.at("decode").value, "decode needs the id of a code list, e.g. decode: categories");
        return false;
    }
    c.decode = *list;
    if (!typed) return ok;
    const ColumnKind k = c.type.kind;
    const bool array = k == ColumnKind::TextArray || k == ColumnKind::BigIntArray;
    c.codeSet = array || (set && *set);
    const bool fits = array || k == ColumnKind::Text ||
                      (!c.codeSet && (k == ColumnKind::Integer || k == ColumnKind::BigInt));
    if (!fits) {
        r.problem(e.at("decode").value,
                  "column '" + c.name + "' has type " + c.type.name() + ", which holds no codes — " +
                      (c.codeSet ? "a code set must be text (comma-separated), text[] or bigint[]"
                                 : "decode text, integer, bigint, text[] or bigint[] columns"));
        return false;
    }
    return ok;
}

// A `default:` or `map:` value, written in the column's type, as the JSON value
// the converter will see; converted once now so a bad one is a load error.
std::optional<json::Value> literal(YamlReader& r, const YAML::Node& node, const ColumnType& type,
                                   const std::string& what, const std::string& column) {
    if (node.IsNull()) return json::Value();
    if (!node.IsScalar()) {
        r.problem(node,
                  what + " for column '" + column +
                      "' must be a single value — for jsonb and array columns write JSON text, "
                      "e.g. '[]'");
        return std::nullopt;
    }
    const std::string text = node.Scalar();
    json::Value v;
    std::string why;
    switch (type.kind) {
        case ColumnKind::Integer:
        case ColumnKind::BigInt:
        case ColumnKind::Numeric:
        case ColumnKind::Double:
            v = json::Value::makeNumber(text);
            break;
        case ColumnKind::Boolean:
            if (text == "true" || text == "false")
                v = json::Value::makeBool(text == "true");
            else if (text == "0" || text == "1")
                v = json::Value::makeNumber(text);
            else
                why = "expected true or false";
            break;
        case ColumnKind::Jsonb:
        case ColumnKind::TextArray:
        case ColumnKind::BigIntArray:
            try {
                v = json::parse(text);
            } catch (const std::exception& e) {
                why = std::string("not valid JSON text (") + e.what() + ")";
            }
            break;
        default:
            v = json::Value::makeString(text);
    }
    if (why.empty()) {
        try {
            int ignored = 0;
            const TimeZone utc = TimeZone::utc();
            convertValue(v, type, ConversionContext{utc, true, &ignored});
        } catch (const std::exception& e) {
            why = e.what();
        }
    }
    if (!why.empty()) {
        r.problem(node, what + " '" + text + "' is not a valid " + type.name() + " for column '" +
                            column + "': " + why + " — write a value of the column's type");
        return std::nullopt;
    }
    return v;
}

// `transforms: [trim, lower]` into c; false after a problem.
bool transforms(YamlReader& r, const YAML::Node& list, ColumnSpec& c) {
    if (!list.IsSequence()) {
        r.problem(list, "'transforms' must be a list — write transforms: [trim, lower]");
        return false;
    }
    bool ok = true;
    for (const auto& t : list) {
        const std::string tn = t.IsScalar() ? t.Scalar() : "";
        if (auto kind = parseTransform(tn)) {
            c.transforms.push_back(*kind);
        } else if (auto near = closestMatch(tn, transformNames())) {
            r.problem(t, "unknown transform '" + tn + "' — did you mean '" + *near + "'?");
            ok = false;
        } else {
            r.problem(t, "unknown transform '" + tn + "' — use " + joinWords(transformNames()) +
                             " (value maps go under map:)");
            ok = false;
        }
    }
    return ok;
}

// `map: {ORGANIZATION: org}` into c (values checked against c's type when it has one);
// false after a problem.
bool valueMap(YamlReader& r, const YAML::Node& m, bool typed, ColumnSpec& c) {
    if (!m.IsMap()) {
        r.problem(m,
                  "'map' must be a mapping from source value to stored value — write map: "
                  "{ORGANIZATION: org}");
        return false;
    }
    bool ok = true;
    for (auto kv = m.begin(); kv != m.end(); ++kv) {
        if (!kv->first.IsScalar()) {
            r.problem(kv->first, "a key of 'map' must be a single value");
            ok = false;
            continue;
        }
        const std::string key = kv->first.Scalar();
        if (c.valueMap.count(key)) {
            r.problem(kv->first, "duplicate key '" + key + "' in map — keep only one");
            ok = false;
            continue;
        }
        if (!typed) continue;
        if (auto v = literal(r, kv->second, c.type, "map value", c.name))
            c.valueMap.emplace(key, *v);
        else
            ok = false;
    }
    return ok;
}

// `pii:`: whether the value is personal data the mapper excludes or hashes (PersonalData).
bool readPii(YamlReader& r, const Entries& e, const YAML::Node& node, ColumnSpec& c, bool typed) {
    auto p = r.scalar(e, "pii", "pii: hash", false, node);
    if (!p || *p == "none") return true;
    const YAML::Node& where = e.at("pii").value;
    if (*p == "exclude") {
        c.pii = Pii::Exclude;
        return true;
    }
    if (*p != "hash") {
        r.problem(where, "unknown pii '" + *p +
                             "' — use exclude (never stored) or hash (stored as HMAC-SHA-256)");
        return false;
    }
    c.pii = Pii::Hash;
    // The HMAC's hex text is what the column holds: another type could not hold it.
    if (typed && c.type.kind != ColumnKind::Text) {
        r.problem(where, "column '" + c.name + "' is pii: hash, which stores hex text — "
                         "declare it type: text");
        return false;
    }
    return true;
}

// The column's name: a PostgreSQL identifier we never need to quote differently.
bool readName(YamlReader& r, const Entries& e, const std::string& name, ColumnSpec& c) {
    c.name = name;
    if (isIdentifier(c.name) && c.name.size() <= kMaxColumnName) return true;
    const std::string hint = snakeCase(c.name);
    r.problem(e.at("name").value,
              "column name '" + c.name + "' is not valid — use lower-case snake_case" +
                  (isIdentifier(hint) && hint != c.name ? ", e.g. " + hint : std::string()) +
                  " (letters, digits, _; at most 63 characters)");
    return false;
}

// The JSON path the value is read from.
bool readSource(YamlReader& r, const Entries& e, const std::string& source, bool inChild,
                ColumnSpec& c) {
    c.sourcePath = source;
    const YAML::Node& sn = e.at("source").value;
    auto p = r.path(sn, c.sourcePath);
    if (!p) return false;
    c.path = *p;
    if (c.path.isSelf() && !inChild) {
        r.problem(sn,
                  "source '$' (the array element itself) only exists in child tables — to keep "
                  "the whole record use keep_raw: true");
        return false;
    }
    return true;
}

std::optional<ColumnSpec> column(YamlReader& r, const YAML::Node& node, bool inChild) {
    if (!node.IsMap()) {
        r.problem(node, "a column must be a mapping — write {name: id, source: id, type: bigint}");
        return std::nullopt;
    }
    const Entries e = r.entries(node, kColumnKeys, "a column");
    ColumnSpec c;
    bool ok = true;
    auto name = r.scalar(e, "name", "name: COLUMN", true, node);
    auto source = r.scalar(e, "source", "source: JSON_PATH", true, node);
    auto type = r.scalar(e, "type", "type: TYPE (e.g. text, bigint, timestamptz)", true, node);
    if (!name || !source || !type) ok = false;
    if (name && !readName(r, e, *name, c)) ok = false;
    if (source && !readSource(r, e, *source, inChild, c)) ok = false;
    bool typed = false;
    if (type) {
        std::string why;
        if (auto t = parseColumnType(*type, why)) {
            c.type = *t;
            typed = true;
        } else {
            r.problem(e.at("type").value, why);
            ok = false;
        }
    }
    if (auto req = r.boolean(e, "required"))
        c.required = *req;
    else if (e.count("required") && !e.at("required").value.IsNull())
        ok = false;

    if (auto it = e.find("transforms"); it != e.end() && !it->second.value.IsNull())
        ok = transforms(r, it->second.value, c) && ok;
    if (auto it = e.find("map"); it != e.end() && !it->second.value.IsNull())
        ok = valueMap(r, it->second.value, typed, c) && ok;
    if (auto s = r.boolean(e, "map_strict")) {
        c.mapStrict = *s;
        if (*s && !e.count("map")) {
            r.problem(e.at("map_strict").key,
                      "map_strict needs a map — add map: {...} or remove map_strict");
            ok = false;
        }
    }
    if (auto d = r.scalar(e, "description", "description: WHAT THE COLUMN HOLDS", false, node))
        c.description = *d;
    else if (e.count("description") && !e.at("description").value.IsNull())
        ok = false;
    if (!readDecode(r, e, node, c, typed)) ok = false;
    if (auto it = e.find("default"); it != e.end() && !it->second.value.IsNull() && typed) {
        if (auto v = literal(r, it->second.value, c.type, "default", c.name))
            c.defaultValue = *v;
        else
            ok = false;
    }
    if (!readPii(r, e, node, c, typed)) ok = false;
    if (!ok) return std::nullopt;
    return c;
}

}  // namespace

std::vector<ColumnSpec> readColumns(YamlReader& r, const Entries& e, const YAML::Node& owner,
                                    bool inChild, std::map<std::string, YAML::Node>& seen) {
    std::vector<ColumnSpec> out;
    auto it = e.find("columns");
    if (it == e.end() || it->second.value.IsNull()) {
        r.problem(it == e.end() ? owner : it->second.key,
                  "missing required key 'columns' — list the columns, e.g. columns: [{name: id, "
                  "source: id, type: bigint}]");
        return out;
    }
    const YAML::Node& list = it->second.value;
    if (!list.IsSequence() || list.size() == 0) {
        r.problem(
            list,
            "'columns' must be a non-empty list — write columns: [{name: id, source: id, type: "
            "bigint}]");
        return out;
    }
    for (const auto& node : list) {
        auto c = column(r, node, inChild);
        if (!c) continue;
        const YAML::Node nameNode = node["name"];
        if (auto s = seen.find(c->name); s != seen.end()) {
            r.problem(nameNode, "column '" + c->name + "' is already defined at line " +
                                    std::to_string(s->second.Mark().line + 1) +
                                    " — rename one of them");
            continue;
        }
        seen.emplace(c->name, nameNode);
        out.push_back(std::move(*c));
    }
    return out;
}

void checkLabelColumns(YamlReader& r, const std::vector<ColumnSpec>& columns,
                       const std::map<std::string, YAML::Node>& seen,
                       const std::vector<std::string>& reserved) {
    std::set<std::string> taken(reserved.begin(), reserved.end());
    for (const auto& c : columns) taken.insert(c.name);
    for (const auto& c : columns) {
        const std::string label = c.labelColumn();
        if (label.empty()) continue;
        const YAML::Node& where = seen.at(c.name);
        if (label.size() > kMaxColumnName)
            r.problem(where, "column '" + c.name + "' is decoded, and its label column '" + label +
                                 "' is longer than 63 characters — shorten the column name");
        else if (!taken.insert(label).second)
            r.problem(where, "column '" + c.name + "' is decoded, and its label column '" + label +
                                 "' clashes with a column of the same name — rename that column");
    }
}

}  // namespace intouch
