#include "ExpectedTable.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace intouch::e2e {

namespace {

std::string ident(const std::string& name) {
    return "\"" + name + "\"";
}

std::string qualifiedName(const std::string& schema, const std::string& table) {
    return ident(schema) + "." + ident(table);
}

struct LiveColumn {
    std::string name;
    std::string type;  // format_type()
    bool notNull = false;
    bool operator==(const LiveColumn&) const = default;
};

// The table's columns in order; empty when the table is missing.
std::vector<LiveColumn> layout(const std::string& dsn, const std::string& schema,
                               const std::string& table) {
    std::vector<LiveColumn> out;
    auto rows = pg::queryRows(
        dsn, "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
             "WHERE attrelid = to_regclass(" +
                 quote(qualifiedName(schema, table)) +
                 ") AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    for (const auto& r : rows) out.push_back({*r[0], *r[1], *r[2] == "t"});
    return out;
}

std::string describeLayout(const std::vector<LiveColumn>& cols) {
    std::string out;
    for (const auto& c : cols)
        out += (out.empty() ? "" : ", ") + c.name + " " + c.type + (c.notNull ? " NOT NULL" : "");
    return "(" + out + ")";
}

// The primary key's columns in key order, comma-separated.
std::string primaryKeyOf(const std::string& dsn, const std::string& schema, const std::string& table) {
    auto v = pg::queryScalarText(
        dsn, "SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c "
             "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
             "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
             "WHERE c.contype = 'p' AND c.conrelid = to_regclass(" +
                 quote(qualifiedName(schema, table)) + ")");
    return v.value_or("");
}

}  // namespace

ExpectedTable::ExpectedTable(std::string table, std::vector<ColumnDef> columns,
                             std::vector<std::string> key, std::vector<std::string> systemColumns)
    : table_(std::move(table)),
      columns_(std::move(columns)),
      key_(std::move(key)),
      systemColumns_(std::move(systemColumns)) {}

void ExpectedTable::addRow(std::vector<std::string> values) {
    if (values.size() != columns_.size())
        throw std::logic_error("expected row for " + table_ + " has " +
                               std::to_string(values.size()) + " values for " +
                               std::to_string(columns_.size()) + " columns");
    rows_.push_back(std::move(values));
}

std::vector<std::string> ExpectedTable::differences(const std::string& dsn) const {
    std::vector<std::string> out;
    const std::string expected = qualifiedName(kExpectSchema, table_);
    const std::string actual = qualifiedName(kSchema, table_);

    std::string create = "CREATE SCHEMA IF NOT EXISTS " + ident(kExpectSchema) +
                         "; DROP TABLE IF EXISTS " + expected + "; CREATE TABLE " + expected + " (";
    for (std::size_t i = 0; i < columns_.size(); ++i)
        create += (i ? ", " : "") + ident(columns_[i].name) + " " + columns_[i].type;
    pg::exec(dsn, create + ")");
    for (std::size_t start = 0; start < rows_.size(); start += 100) {
        std::string insert = "INSERT INTO " + expected + " VALUES ";
        for (std::size_t r = start; r < std::min(rows_.size(), start + 100); ++r) {
            insert += (r == start ? "(" : ", (");
            for (std::size_t c = 0; c < rows_[r].size(); ++c) insert += (c ? ", " : "") + rows_[r][c];
            insert += ")";
        }
        pg::exec(dsn, insert);
    }

    // Layout: the expected columns with the same types, then the system columns.
    auto want = layout(dsn, kExpectSchema, table_);
    for (const auto& s : systemColumns_)
        want.push_back({s, "timestamp with time zone", s == "synced_at"});
    const auto have = layout(dsn, kSchema, table_);
    if (have.empty()) return {"table " + actual + " does not exist"};
    if (checkLayout_ && have != want)
        out.push_back("columns of " + actual + " are " + describeLayout(have) + ", expected " +
                      describeLayout(want));
    std::string wantKey;
    for (const auto& k : key_) wantKey += (wantKey.empty() ? "" : ",") + k;
    if (const std::string haveKey = primaryKeyOf(dsn, kSchema, table_); haveKey != wantKey)
        out.push_back("primary key of " + actual + " is (" + haveKey + "), expected (" + wantKey + ")");

    std::string on;
    std::string keyText;
    for (std::size_t i = 0; i < key_.size(); ++i) {
        on += (i ? " AND " : "") + std::string("e.") + ident(key_[i]) + " = a." + ident(key_[i]);
        keyText += (i ? " || ',' || " : "") + std::string("e.") + ident(key_[i]) + "::text";
    }
    std::string actualKeyText = keyText;
    for (std::size_t p; (p = actualKeyText.find("e.")) != std::string::npos;)
        actualKeyText.replace(p, 2, "a.");

    for (const auto& r : pg::queryRows(
             dsn, "SELECT " + keyText + " FROM " + expected + " e WHERE NOT EXISTS (SELECT 1 FROM " +
                      actual + " a WHERE " + on + ") ORDER BY 1 LIMIT 20"))
        out.push_back(table_ + ": row " + r[0].value_or("?") + " is missing");
    for (const auto& r : pg::queryRows(
             dsn, "SELECT " + actualKeyText + " FROM " + actual + " a WHERE NOT EXISTS (SELECT 1 FROM " +
                      expected + " e WHERE " + on + ") ORDER BY 1 LIMIT 20"))
        out.push_back(table_ + ": row " + r[0].value_or("?") + " is not expected");

    std::string diff;
    for (const auto& c : columns_) {
        const std::string col = ident(c.name);
        if (!diff.empty()) diff += " UNION ALL ";
        diff += "SELECT " + keyText + " AS k, " + quote(c.name) + " AS c, e." + col +
                "::text AS ev, a." + col + "::text AS av FROM " + expected + " e JOIN " + actual +
                " a ON " + on + " WHERE e." + col + "::text IS DISTINCT FROM a." + col + "::text";
    }
    const std::string countSql = "SELECT count(*) FROM (" + diff + ") d";
    const long mismatches = pg::queryScalar<long>(dsn, countSql);
    if (mismatches > 0) {
        out.push_back(table_ + ": " + std::to_string(mismatches) + " value(s) differ, first ones:");
        for (const auto& r : pg::queryRows(dsn, "SELECT * FROM (" + diff + ") d ORDER BY 2, 1 LIMIT 25"))
            out.push_back("  " + table_ + "[" + r[0].value_or("?") + "]." + r[1].value_or("?") +
                          ": expected " + (r[2] ? "'" + *r[2] + "'" : "NULL") + ", got " +
                          (r[3] ? "'" + *r[3] + "'" : "NULL"));
    }

    for (const auto& s : systemColumns_) {
        if (s == "synced_at") {
            const long bad = pg::queryScalar<long>(
                dsn, "SELECT count(*) FROM " + actual + " WHERE synced_at IS NULL OR synced_at > now()");
            if (bad) out.push_back(table_ + ": " + std::to_string(bad) + " row(s) without a valid synced_at");
        } else if (s == "deleted_at") {
            const long bad =
                pg::queryScalar<long>(dsn, "SELECT count(*) FROM " + actual + " WHERE deleted_at IS NOT NULL");
            if (bad) out.push_back(table_ + ": " + std::to_string(bad) + " row(s) marked deleted");
        }
    }
    return out;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// ---- SQL expressions ---------------------------------------------------------------------

std::string quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string textOf(const json::Value* v) {
    if (!v || v->isNull()) return "NULL";
    switch (v->type()) {
        case json::Type::String: return quote(v->asString());
        case json::Type::Number: return quote(v->numberText());
        case json::Type::Bool: return v->asBool() ? "'true'" : "'false'";
        default: throw std::runtime_error("textOf: not a scalar: " + v->toJson());
    }
}

std::string numberOf(const json::Value* v, const std::string& sqlType) {
    if (!v || v->isNull()) return "NULL";
    if (!v->isNumber()) throw std::runtime_error("numberOf: not a number: " + v->toJson());
    return quote(v->numberText()) + "::" + sqlType;
}

std::string boolOf(const json::Value* v) {
    if (!v || v->isNull()) return "NULL";
    if (v->isBool()) return v->asBool() ? "true" : "false";
    if (v->isNumber() && v->numberText() == "0") return "false";
    if (v->isNumber() && v->numberText() == "1") return "true";
    throw std::runtime_error("boolOf: not a boolean: " + v->toJson());
}

std::string stringAs(const json::Value* v, const std::string& sqlType) {
    if (!v || v->isNull()) return "NULL";
    if (!v->isString()) throw std::runtime_error("stringAs: not a string: " + v->toJson());
    return quote(v->asString()) + "::" + sqlType;
}

std::string jsonbOf(const json::Value* v) {
    if (!v || v->isNull()) return "NULL";
    return quote(v->toJson()) + "::jsonb";
}

namespace {

std::string epochMsInstant(const json::Value& v) {
    if (!v.isNumber()) throw std::runtime_error("epoch-ms date-time is not a number: " + v.toJson());
    for (char c : v.numberText())
        if (!(c == '-' || (c >= '0' && c <= '9')))
            throw std::runtime_error("epoch-ms date-time is not an integer: " + v.toJson());
    return "(timestamptz 'epoch' + " + v.numberText() + "::bigint * interval '1 millisecond')";
}

}  // namespace

std::string instantOf(const json::Value* v, DateFormat f) {
    if (!v || v->isNull()) return "NULL";
    switch (f) {
        case DateFormat::IsoOffset: return stringAs(v, "timestamptz");
        case DateFormat::IsoLocal:
            return "(" + stringAs(v, "timestamp") + " AT TIME ZONE " + quote(kCrmZone) + ")";
        case DateFormat::EpochMs: return epochMsInstant(*v);
    }
    return "NULL";
}

std::string wallClockOf(const json::Value* v, DateFormat f) {
    if (!v || v->isNull()) return "NULL";
    if (f == DateFormat::IsoLocal) return stringAs(v, "timestamp");
    return "(" + instantOf(v, f) + " AT TIME ZONE " + quote(kCrmZone) + ")";
}

std::string md5Of(const json::Value& record) {
    return "md5(" + quote(record.toJson()) + ")";
}

// ---- JSON navigation ---------------------------------------------------------------------

const json::Value* member(const json::Value* v, std::string_view key) {
    return v ? v->find(key) : nullptr;
}

json::Value* memberMutable(json::Value& v, std::string_view key) {
    if (!v.isObject()) return nullptr;
    for (auto& m : v.members())
        if (m.first == key) return &m.second;
    return nullptr;
}

const json::Value* element(const json::Value* v, std::size_t index) {
    if (!v || !v->isArray() || index >= v->items().size()) return nullptr;
    return &v->items()[index];
}

const json::Value* firstWhere(const json::Value* v, std::string_view key, std::string_view literal) {
    if (!v || !v->isArray()) return nullptr;
    for (const auto& e : v->items()) {
        const json::Value* m = e.find(key);
        if (m && m->isString() && m->asString() == literal) return &e;
    }
    return nullptr;
}

json::Value* firstWhereMutable(json::Value* v, std::string_view key, std::string_view literal) {
    if (!v || !v->isArray()) return nullptr;
    for (auto& e : v->items()) {
        const json::Value* m = e.find(key);
        if (m && m->isString() && m->asString() == literal) return &e;
    }
    return nullptr;
}

void eraseMembers(json::Value& object, std::initializer_list<std::string_view> keys) {
    if (!object.isObject()) return;
    auto& members = object.members();
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const json::Member& m) {
                                     return std::find(keys.begin(), keys.end(), m.first) != keys.end();
                                 }),
                  members.end());
}

std::string jsonbOrNullIfEmpty(const json::Value& object) {
    if (object.isObject() && object.members().empty()) return "NULL";
    return quote(object.toJson()) + "::jsonb";
}

std::string stringOr(const json::Value* v, const std::string& fallback) {
    return v && v->isString() ? v->asString() : fallback;
}

// ---- Text transforms ---------------------------------------------------------------------

namespace {

std::vector<char32_t> decode(const std::string& s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) throw std::runtime_error("invalid UTF-8 in test data");
        char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

std::string encode(const std::vector<char32_t>& cps) {
    std::string out;
    for (char32_t cp : cps) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

bool isTrimSpace(char32_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
           c == 0x3000;
}

// Latin Extended-A: which code point of a pair is the capital.
bool extAUpperIsEven(char32_t c) {
    return (c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
}
bool extAUpperIsOdd(char32_t c) {
    return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
}

char32_t mapCase(char32_t c, bool upper) {
    if (c < 0x80) {
        if (upper && c >= 'a' && c <= 'z') return c - 32;
        if (!upper && c >= 'A' && c <= 'Z') return c + 32;
        return c;
    }
    if (c >= 0xC0 && c <= 0xFF) {
        if (c == 0xD7 || c == 0xF7 || c == 0xDF) return c;  // × ÷ ß
        if (c == 0xFF) return upper ? 0x178 : c;           // ÿ -> Ÿ
        if (c <= 0xDE) return upper ? c : c + 32;
        return upper ? c - 32 : c;
    }
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x130 || c == 0x131 || c == 0x17F)
            throw std::runtime_error("test reference has no case mapping for U+" + std::to_string(c));
        if (c == 0x138 || c == 0x149) return c;  // ĸ ŉ
        if (c == 0x178) return upper ? c : 0xFF;
        const bool even = (c % 2) == 0;
        bool isUpper;
        if (extAUpperIsEven(c))
            isUpper = even;
        else if (extAUpperIsOdd(c))
            isUpper = !even;
        else
            return c;
        // In every pair the small letter follows its capital.
        if (upper) return isUpper ? c : c - 1;
        return isUpper ? c + 1 : c;
    }
    if (c >= 0x370 && c <= 0x52F)
        throw std::runtime_error("test reference does not case-map Greek or Cyrillic");
    return c;
}

std::string mapAll(const std::string& s, bool upper) {
    auto cps = decode(s);
    for (auto& c : cps) c = mapCase(c, upper);
    return encode(cps);
}

}  // namespace

std::string trimmed(const std::string& s) {
    auto cps = decode(s);
    std::size_t b = 0;
    std::size_t e = cps.size();
    while (b < e && isTrimSpace(cps[b])) ++b;
    while (e > b && isTrimSpace(cps[e - 1])) --e;
    return encode(std::vector<char32_t>(cps.begin() + static_cast<std::ptrdiff_t>(b),
                                        cps.begin() + static_cast<std::ptrdiff_t>(e)));
}

std::string lowered(const std::string& s) {
    return mapAll(s, false);
}
std::string uppered(const std::string& s) {
    return mapAll(s, true);
}

}  // namespace intouch::e2e
