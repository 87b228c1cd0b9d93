#include "mapping/YamlReader.hpp"

#include <algorithm>
#include <cctype>

#include "mapping/Suggest.hpp"

namespace intouch {

std::string joinWords(const std::vector<std::string>& words, const std::string& lastSep) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) out += i + 1 == words.size() ? lastSep : ", ";
        out += words[i];
    }
    return out;
}

bool isIdentifier(const std::string& s) {
    if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
}

std::string YamlReader::at(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return file_ + ":1:1";
    return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

void YamlReader::problem(const YAML::Node& n, const std::string& message) {
    problems_.push_back(at(n) + ": " + message);
}

void YamlReader::problemAtFile(const std::string& location, const std::string& message) {
    problems_.push_back(location + ": " + message);
}

Entries YamlReader::entries(const YAML::Node& map, const std::vector<std::string>& allowed,
                            const std::string& where) {
    Entries out;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            problem(key, "a key in " + where +
                             " must be a plain name — allowed keys: " + joinWords(allowed, ", "));
            continue;
        }
        const std::string k = key.Scalar();
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
            if (auto near = closestMatch(k, allowed))
                problem(key,
                        "unknown key '" + k + "' in " + where + " — did you mean '" + *near + "'?");
            else
                problem(key, "unknown key '" + k + "' in " + where +
                                 " — allowed keys: " + joinWords(allowed, ", "));
            continue;
        }
        if (out.count(k)) {
            problem(key, "duplicate key '" + k + "' in " + where + " (first at line " +
                             std::to_string(out[k].key.Mark().line + 1) + ") — keep only one");
            continue;
        }
        out[k] = Entry{key, it->second};
    }
    return out;
}

std::optional<std::string> YamlReader::scalar(const Entries& e, const std::string& key,
                                              const std::string& example, bool required,
                                              const YAML::Node& owner) {
    auto it = e.find(key);
    if (it == e.end() || it->second.value.IsNull()) {
        if (required)
            problem(it == e.end() ? owner : it->second.key,
                    "missing required key '" + key + "' — add " + example);
        return std::nullopt;
    }
    if (!it->second.value.IsScalar()) {
        problem(it->second.value, "'" + key + "' must be a single value — write " + example);
        return std::nullopt;
    }
    return it->second.value.Scalar();
}

std::optional<bool> YamlReader::boolean(const Entries& e, const std::string& key) {
    auto it = e.find(key);
    if (it == e.end() || it->second.value.IsNull()) return std::nullopt;
    const YAML::Node& v = it->second.value;
    if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false"))
        return v.Scalar() == "true";
    problem(v, "'" + key + "' must be true or false — write " + key + ": true");
    return std::nullopt;
}

std::optional<JsonPath> YamlReader::path(const YAML::Node& node, const std::string& text) {
    try {
        return JsonPath::parse(text);
    } catch (const PathSyntaxError& e) {
        problem(node,
                "bad source path '" + text + "': " + e.what() + " at character " +
                    std::to_string(e.offset() + 1) +
                    " — paths look like a, a.b.c, a[0].b, a[type=EMAIL].value or $ (quote a key "
                    "containing dots as \"a.b\")");
        return std::nullopt;
    }
}

}  // namespace intouch
