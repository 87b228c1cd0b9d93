#include "mapping/ColumnType.hpp"

#include <cctype>
#include <charconv>
#include <map>

#include "mapping/Suggest.hpp"

namespace intouch {

namespace {

struct KindName {
    ColumnKind kind;
    const char* name;
    const char* sql;
};

constexpr KindName kKinds[] = {
    {ColumnKind::Text, "text", "text"},
    {ColumnKind::Integer, "integer", "integer"},
    {ColumnKind::BigInt, "bigint", "bigint"},
    {ColumnKind::Numeric, "numeric", "numeric"},
    {ColumnKind::Double, "double", "double precision"},
    {ColumnKind::Boolean, "boolean", "boolean"},
    {ColumnKind::Date, "date", "date"},
    {ColumnKind::Time, "time", "time"},
    {ColumnKind::Timestamp, "timestamp", "timestamp"},
    {ColumnKind::TimestampTz, "timestamptz", "timestamptz"},
    {ColumnKind::Jsonb, "jsonb", "jsonb"},
    {ColumnKind::TextArray, "text[]", "text[]"},
    {ColumnKind::BigIntArray, "bigint[]", "bigint[]"},
};

const KindName& entry(ColumnKind k) {
    for (const auto& e : kKinds)
        if (e.kind == k) return e;
    return kKinds[0];
}

// Spellings people bring from other databases; edit distance alone would not
// get from "int" to "integer".
const std::map<std::string, std::string, std::less<>>& aliases() {
    static const std::map<std::string, std::string, std::less<>> m{
        {"int", "integer"},
        {"int4", "integer"},
        {"int8", "bigint"},
        {"long", "bigint"},
        {"float", "double"},
        {"float8", "double"},
        {"double precision", "double"},
        {"real", "double"},
        {"bool", "boolean"},
        {"string", "text"},
        {"varchar", "text"},
        {"json", "jsonb"},
        {"datetime", "timestamptz"},
        {"timestamp with time zone", "timestamptz"},
        {"timestamp without time zone", "timestamp"},
        {"decimal", "numeric"},
        {"money", "numeric(14,2)"},
        {"string[]", "text[]"},
        {"int8[]", "bigint[]"},
    };
    return m;
}

std::string trimmed(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

bool parseInt(const std::string& s, int& out) {
    if (s.empty() || s.size() > 6) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string ColumnType::sql() const {
    if (kind == ColumnKind::Numeric && precision > 0)
        return "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    return entry(kind).sql;
}

std::string ColumnType::name() const {
    if (kind == ColumnKind::Numeric && precision > 0) return sql();
    return entry(kind).name;
}

const std::vector<std::string>& columnTypeNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& e : kKinds) v.emplace_back(e.name);
        v.emplace_back("numeric(p,s)");
        return v;
    }();
    return names;
}

std::optional<ColumnType> parseColumnType(std::string_view text, std::string& error) {
    const std::string t = trimmed(text);
    for (const auto& e : kKinds)
        if (t == e.name) return ColumnType{e.kind};

    if (t.rfind("numeric", 0) == 0 && t.size() > 7) {
        std::string rest = trimmed(std::string_view(t).substr(7));
        if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
            error = "bad type '" + t +
                    "' — write numeric, numeric(p) or numeric(p,s), e.g. numeric(14,2)";
            return std::nullopt;
        }
        std::string inner = rest.substr(1, rest.size() - 2);
        std::string ps = inner, ss = "0";
        if (auto comma = inner.find(','); comma != std::string::npos) {
            ps = inner.substr(0, comma);
            ss = inner.substr(comma + 1);
        }
        int p = 0, s = 0;
        if (!parseInt(trimmed(ps), p) || !parseInt(trimmed(ss), s)) {
            error = "bad type '" + t +
                    "' — precision and scale must be whole numbers, e.g. numeric(14,2)";
            return std::nullopt;
        }
        if (p < 1 || p > 1000) {
            error = "bad type '" + t + "': precision " + std::to_string(p) +
                    " is outside 1..1000 — PostgreSQL numeric precision is 1 to 1000";
            return std::nullopt;
        }
        if (s > p) {
            error = "bad type '" + t + "': scale " + std::to_string(s) +
                    " is larger than precision " + std::to_string(p) +
                    " — use a scale between 0 and the precision";
            return std::nullopt;
        }
        return ColumnType{ColumnKind::Numeric, p, s};
    }

    auto alias = aliases().find(t);
    if (alias != aliases().end()) {
        error = "unknown type '" + t + "' — did you mean '" + alias->second + "'?";
        return std::nullopt;
    }
    std::vector<std::string> candidates;
    for (const auto& e : kKinds) candidates.emplace_back(e.name);
    if (auto near = closestMatch(t, candidates)) {
        error = "unknown type '" + t + "' — did you mean '" + *near + "'?";
    } else {
        std::string list;
        for (const auto& n : columnTypeNames()) list += (list.empty() ? "" : ", ") + n;
        error = "unknown type '" + t + "' — use one of: " + list;
    }
    return std::nullopt;
}

}  // namespace intouch
