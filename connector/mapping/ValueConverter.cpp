#include "mapping/ValueConverter.hpp"

#include <charconv>
#include <cmath>
#include <optional>

#include "mapping/Decimal.hpp"
#include "common/TimestampParser.hpp"
#include "mapping/Utf8.hpp"

namespace intouch {

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw ConversionError(message);
}

[[noreturn]] void wrongKind(const json::Value& v, const std::string& expected) {
    fail(std::string("expected ") + expected + ", got a JSON " + json::typeName(v.type()));
}

std::string withoutNul(std::string s, const ConversionContext& ctx) {
    const int n = utf8::replaceNul(s);
    if (ctx.replacedNul) *ctx.replacedNul += n;
    return s;
}

Decimal decimalOf(const json::Value& v) {
    try {
        return Decimal::parse(v.numberText());
    } catch (const DecimalError& e) {
        fail(e.what());
    }
}

std::string integerText(const json::Value& v, bool wide) {
    if (!v.isNumber()) wrongKind(v, wide ? "a JSON number (bigint)" : "a JSON number (integer)");
    const Decimal d = decimalOf(v);
    if (!d.isIntegral()) fail("has a fraction; an integer column takes whole numbers only");
    const auto n = d.toInt64();
    const std::int64_t lo = wide ? INT64_MIN : INT32_MIN;
    const std::int64_t hi = wide ? INT64_MAX : INT32_MAX;
    if (!n || *n < lo || *n > hi)
        fail(std::string("out of range for ") +
             (wide ? "bigint (-9223372036854775808..9223372036854775807)"
                   : "integer (-2147483648..2147483647)"));
    return std::to_string(*n);
}

std::string numericText(const json::Value& v, const ColumnType& t) {
    if (!v.isNumber()) wrongKind(v, "a JSON number");
    Decimal d = decimalOf(v);
    if (t.precision > 0) {
        d = d.rounded(t.scale);
        const auto allowed = static_cast<std::size_t>(t.precision - t.scale);
        if (d.integer.size() > allowed)
            fail("needs " + std::to_string(d.integer.size()) +
                 " digits before the decimal point, but " + t.sql() + " allows " +
                 std::to_string(allowed));
    }
    return d.text();
}

std::string doubleText(const json::Value& v) {
    if (!v.isNumber()) wrongKind(v, "a JSON number");
    const std::string& s = v.numberText();
    decimalOf(v);  // JSON number grammar: no "inf", "nan" or hex from a mapping's default
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc::result_out_of_range) fail("out of range for double precision");
    if (ec != std::errc() || p != s.data() + s.size()) fail("not a JSON number");
    return s;
}

std::string booleanText(const json::Value& v) {
    if (v.isBool()) return v.asBool() ? "true" : "false";
    if (v.isNumber()) {
        if (v.numberText() == "1") return "true";
        if (v.numberText() == "0") return "false";
        fail("a number for a boolean column must be 0 or 1");
    }
    wrongKind(v, "true, false, 0 or 1");
}

std::string textOf(const json::Value& v, const ConversionContext& ctx) {
    switch (v.type()) {
        case json::Type::String:
            return withoutNul(v.asString(), ctx);
        case json::Type::Number:
            return v.numberText();
        case json::Type::Bool:
            return v.asBool() ? "true" : "false";
        default:
            wrongKind(v, "a JSON string (or number or boolean)");
    }
}

const std::string& stringOf(const json::Value& v, const char* what) {
    if (!v.isString()) wrongKind(v, std::string("a JSON string with ") + what);
    return v.asString();
}

template <typename F>
auto parsing(F f) -> decltype(f()) {
    try {
        return f();
    } catch (const TimestampError& e) {
        fail(e.what());
    }
}

void checkRange(std::int64_t micros) {
    if (micros < minSupportedMicros() || micros > maxSupportedMicros())
        fail("outside the supported years 0001..9999");
}

bool isDigitString(const std::string& s) {
    std::size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

std::int64_t epochMillisToMicros(const std::string& text) {
    Decimal d;
    try {
        d = Decimal::parse(text);
    } catch (const DecimalError& e) {
        fail(e.what());
    }
    if (!d.isIntegral()) fail("epoch milliseconds must be a whole number");
    const auto ms = d.toInt64();
    // ±2^53 ms is far outside 0001..9999; this only keeps the multiplication safe.
    if (!ms || *ms > (std::int64_t{1} << 53) || *ms < -(std::int64_t{1} << 53))
        fail("epoch milliseconds outside the supported years 0001..9999");
    const std::int64_t micros = *ms * 1000;
    checkRange(micros);
    return micros;
}

// Instant when the value pins one down; for wall times without an offset,
// nullopt and the wall time in `wall`.
std::optional<std::int64_t> parseInstantOrWall(const json::Value& v, std::int64_t& wall) {
    if (v.isNumber()) return epochMillisToMicros(v.numberText());
    if (!v.isString()) wrongKind(v, "an ISO 8601 date-time string or epoch milliseconds");
    const std::string& s = v.asString();
    if (isDigitString(s)) return epochMillisToMicros(s);
    const ParsedDateTime p = parsing([&] { return parseDateTime(s); });
    if (p.offsetSeconds) {
        const std::int64_t utc = p.wallMicros - std::int64_t{*p.offsetSeconds} * kMicrosPerSecond;
        checkRange(utc);
        return utc;
    }
    checkRange(p.wallMicros);
    wall = p.wallMicros;
    return std::nullopt;
}

std::string arrayText(const json::Value& v, bool bigint, const ConversionContext& ctx) {
    if (!v.isArray()) wrongKind(v, bigint ? "a JSON array of integers" : "a JSON array of strings");
    std::string out = "{";
    std::size_t i = 0;
    for (const auto& item : v.items()) {
        if (i) out += ',';
        if (item.isNull()) {
            out += "NULL";
        } else if (item.isArray() || item.isObject()) {
            fail("element " + std::to_string(i) + " is a JSON " + json::typeName(item.type()) +
                 "; only scalars fit in " + (bigint ? "bigint[]" : "text[]"));
        } else if (bigint) {
            try {
                out += integerText(item, true);
            } catch (const ConversionError& e) {
                fail("element " + std::to_string(i) + ": " + e.what());
            }
        } else {
            // Always quoted: an element "NULL" or "" must not read as NULL or be lost.
            out += '"';
            for (char c : textOf(item, ctx)) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
        }
        ++i;
    }
    return out + "}";
}

}  // namespace

void appendJsonbString(std::string& out, const std::string& s, int* replaced) {
    if (s.find('\0') == std::string::npos) {
        json::appendQuoted(out, s);
        return;
    }
    std::string copy = s;
    const int n = utf8::replaceNul(copy);
    if (replaced) *replaced += n;
    json::appendQuoted(out, copy);
}

void appendJsonb(std::string& out, const json::Value& v, int* replaced) {
    auto quoted = [&](const std::string& s) { appendJsonbString(out, s, replaced); };
    switch (v.type()) {
        case json::Type::Null:
            out += "null";
            break;
        case json::Type::Bool:
            out += v.asBool() ? "true" : "false";
            break;
        case json::Type::Number:
            // jsonb stores numbers as numeric: an exponent beyond its range would
            // fail the whole COPY, so it fails this record instead.
            if (v.numberText().find_first_of("eE") != std::string::npos) {
                try {
                    Decimal::parse(v.numberText());
                } catch (const DecimalError& e) {
                    fail(e.what());
                }
            }
            out += v.numberText();
            break;
        case json::Type::String:
            quoted(v.asString());
            break;
        case json::Type::Array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.items()) {
                if (!first) out += ',';
                first = false;
                appendJsonb(out, item, replaced);
            }
            out += ']';
            break;
        }
        case json::Type::Object: {
            out += '{';
            bool first = true;
            for (const auto& [key, item] : v.members()) {
                if (!first) out += ',';
                first = false;
                quoted(key);
                out += ':';
                appendJsonb(out, item, replaced);
            }
            out += '}';
            break;
        }
    }
}

std::string jsonbText(const json::Value& value, int* replacedNul) {
    std::string out;
    appendJsonb(out, value, replacedNul);
    return out;
}

std::int64_t instantMicros(const json::Value& v, const ConversionContext& ctx) {
    std::int64_t wall = 0;
    if (auto utc = parseInstantOrWall(v, wall)) return *utc;
    const std::int64_t utc = ctx.zone.localToUtcMicros(wall, ctx.preferEarlier);
    checkRange(utc);
    return utc;
}

std::string convertValue(const json::Value& v, const ColumnType& t, const ConversionContext& ctx) {
    switch (t.kind) {
        case ColumnKind::Text:
            return textOf(v, ctx);
        case ColumnKind::Integer:
            return integerText(v, false);
        case ColumnKind::BigInt:
            return integerText(v, true);
        case ColumnKind::Numeric:
            return numericText(v, t);
        case ColumnKind::Double:
            return doubleText(v);
        case ColumnKind::Boolean:
            return booleanText(v);
        case ColumnKind::Date: {
            const std::string& s = stringOf(v, "a date YYYY-MM-DD");
            return formatDate(parsing([&] { return parseDate(s); }));
        }
        case ColumnKind::Time: {
            const std::string& s = stringOf(v, "a time HH:MM:SS");
            return formatTimeOfDay(parsing([&] { return parseTimeOfDay(s); }));
        }
        case ColumnKind::Timestamp: {
            std::int64_t wall = 0;
            if (auto utc = parseInstantOrWall(v, wall)) {
                // An instant: shown as the source zone's wall clock at that instant.
                wall = *utc + std::int64_t{ctx.zone.offsetSecondsAt(*utc)} * kMicrosPerSecond;
                checkRange(wall);
            }
            return formatDateTime(wall);
        }
        case ColumnKind::TimestampTz:
            return formatUtcTimestamp(instantMicros(v, ctx));
        case ColumnKind::Jsonb:
            return jsonbText(v, ctx.replacedNul);
        case ColumnKind::TextArray:
            return arrayText(v, false, ctx);
        case ColumnKind::BigIntArray:
            return arrayText(v, true, ctx);
    }
    fail("unsupported column type");
}

}  // namespace intouch
