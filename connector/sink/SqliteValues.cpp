#include "sink/SqliteValues.hpp"

#include <charconv>
#include <cmath>

#include "common/Errors.hpp"
#include "common/Json.hpp"
#include "common/TimestampParser.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

namespace {

// "YYYY-MM-DD HH:MM:SS[.f…]" -> "YYYY-MM-DDTHH:MM:SS.ffffff"
std::string isoFixed(std::string text) {
    const auto sp = text.find(' ');
    if (sp != std::string::npos) text[sp] = 'T';
    const auto dot = text.find('.');
    if (dot == std::string::npos) return text + ".000000";
    const std::size_t digits = text.size() - dot - 1;
    if (digits < 6) text.append(6 - digits, '0');
    return text;
}

ColumnType kindOnly(ColumnKind k) {
    ColumnType t;
    t.kind = k;
    return t;
}

}  // namespace

std::string sqliteUtcText(std::int64_t utcMicros) { return isoFixed(formatDateTime(utcMicros)) + "Z"; }

std::int64_t parseSqliteUtc(const std::string& text) {
    try {
        return parseInstant(text);
    } catch (const std::exception& e) {
        throw TargetError("stored timestamp '" + text + "' is not an ISO-8601 UTC stamp: " + e.what());
    }
}

std::string pgArrayToJson(const std::string& text) {
    std::string out = "[";
    std::size_t i = 1;  // past '{'
    const std::size_t end = text.size() > 0 ? text.size() - 1 : 0;  // at '}'
    bool first = true;
    while (i < end) {
        if (!first) out += ',';
        first = false;
        if (text[i] == '"') {
            std::string s;
            for (++i; i < end && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < end) ++i;
                s += text[i];
            }
            ++i;  // closing quote
            json::appendQuoted(out, s);
        } else {
            const std::size_t comma = std::min(text.find(',', i), end);
            const std::string bare = text.substr(i, comma - i);
            out += bare == "NULL" ? "null" : bare;
            i = comma;
        }
        if (i < end && text[i] == ',') ++i;
    }
    return out + "]";
}

SqliteValue sqliteValue(const std::optional<std::string>& pgText, const ColumnType& type) {
    if (!pgText) return {};
    const std::string& s = *pgText;
    switch (type.kind) {
        case ColumnKind::Integer:
        case ColumnKind::BigInt: {
            std::int64_t v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec == std::errc() && p == s.data() + s.size()) return v;
            return s;  // not an integer: kept as written, never lost
        }
        case ColumnKind::Double: {
            double v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec == std::errc() && p == s.data() + s.size() && std::isfinite(v)) return v;
            return s;
        }
        case ColumnKind::Boolean:
            if (s == "true" || s == "t") return std::int64_t{1};
            if (s == "false" || s == "f") return std::int64_t{0};
            return s;
        case ColumnKind::Timestamp:
            return isoFixed(s);
        case ColumnKind::TimestampTz:
            return sqliteUtcText(parseUtcTimestamp(s));
        case ColumnKind::TextArray:
        case ColumnKind::BigIntArray:
            return pgArrayToJson(s);
        default:
            return s;
    }
}

std::vector<ColumnType> valueColumnTypes(const StreamSpec& spec) {
    std::vector<ColumnType> out;
    for (const auto& c : spec.columns) out.push_back(c.type);
    if (!spec.extraColumn.empty()) out.push_back(kindOnly(ColumnKind::Jsonb));
    if (!spec.rawColumn.empty()) out.push_back(kindOnly(ColumnKind::Jsonb));
    return out;
}

std::vector<ColumnType> childColumnTypes(const StreamSpec& spec, std::size_t child) {
    std::vector<ColumnType> out;
    for (const auto& k : spec.primaryKey) {
        const ColumnSpec* c = spec.findColumn(k);
        out.push_back(c ? c->type : kindOnly(ColumnKind::Text));
    }
    out.push_back(kindOnly(ColumnKind::Integer));
    for (const auto& c : spec.children[child].columns) out.push_back(c.type);
    if (!spec.children[child].extraColumn.empty()) out.push_back(kindOnly(ColumnKind::Jsonb));
    return out;
}

}  // namespace intouch
