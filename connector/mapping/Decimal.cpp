#include "mapping/Decimal.hpp"

#include <charconv>

namespace intouch {

namespace {
constexpr std::int64_t kMaxIntegerDigits = 131072;
constexpr std::int64_t kMaxFractionDigits = 16383;

bool digit(char c) {
    return c >= '0' && c <= '9';
}
}  // namespace

Decimal Decimal::parse(std::string_view t) {
    std::size_t p = 0;
    Decimal d;
    auto bad = [&]() -> DecimalError {
        return DecimalError("'" + std::string(t) + "' is not a JSON number");
    };
    if (p < t.size() && t[p] == '-') {
        d.negative = true;
        ++p;
    }
    std::string digits;
    std::int64_t pointShift = 0;  // digits after the point
    const std::size_t intStart = p;
    while (p < t.size() && digit(t[p])) digits += t[p++];
    if (p == intStart) throw bad();
    if (p < t.size() && t[p] == '.') {
        ++p;
        const std::size_t fs = p;
        while (p < t.size() && digit(t[p])) digits += t[p++];
        if (p == fs) throw bad();
        pointShift = static_cast<std::int64_t>(p - fs);
    }
    std::int64_t exponent = 0;
    if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
        ++p;
        bool expNeg = false;
        if (p < t.size() && (t[p] == '+' || t[p] == '-')) expNeg = t[p++] == '-';
        const std::size_t es = p;
        while (p < t.size() && digit(t[p])) {
            // Anything past a few million is out of numeric's range anyway.
            if (exponent < 100000000) exponent = exponent * 10 + (t[p] - '0');
            ++p;
        }
        if (p == es) throw bad();
        if (expNeg) exponent = -exponent;
    }
    if (p != t.size()) throw bad();

    // value = digits * 10^(exponent - pointShift)
    const std::int64_t e = exponent - pointShift;
    std::size_t lead = 0;
    while (lead < digits.size() && digits[lead] == '0') ++lead;
    const auto sig = static_cast<std::int64_t>(digits.size() - lead);
    if (e >= 0) {
        if (sig > 0 && sig + e > kMaxIntegerDigits)
            throw DecimalError("'" + std::string(t) + "' is too large for PostgreSQL numeric");
        d.integer = digits.substr(lead);
        if (!d.integer.empty()) d.integer.append(static_cast<std::size_t>(e), '0');
    } else {
        const std::int64_t fracDigits = -e;
        if (fracDigits > kMaxFractionDigits) {
            throw DecimalError("'" + std::string(t) +
                               "' has more fraction digits than PostgreSQL numeric keeps (16383)");
        }
        const auto n = static_cast<std::int64_t>(digits.size());
        if (fracDigits >= n) {
            d.fraction = std::string(static_cast<std::size_t>(fracDigits - n), '0') + digits;
        } else {
            d.integer = digits.substr(0, static_cast<std::size_t>(n - fracDigits));
            d.fraction = digits.substr(static_cast<std::size_t>(n - fracDigits));
            std::size_t z = 0;
            while (z < d.integer.size() && d.integer[z] == '0') ++z;
            d.integer.erase(0, z);
        }
        if (static_cast<std::int64_t>(d.integer.size()) > kMaxIntegerDigits)
            throw DecimalError("'" + std::string(t) + "' is too large for PostgreSQL numeric");
    }
    return d;
}

bool Decimal::isZero() const {
    for (char c : integer)
        if (c != '0') return false;
    return isIntegral();
}

bool Decimal::isIntegral() const {
    for (char c : fraction)
        if (c != '0') return false;
    return true;
}

Decimal Decimal::rounded(int scale) const {
    Decimal out = *this;
    const auto s = static_cast<std::size_t>(scale);
    if (out.fraction.size() <= s) {
        out.fraction.append(s - out.fraction.size(), '0');
        return out;
    }
    const bool up = out.fraction[s] >= '5';
    out.fraction.resize(s);
    if (up) {
        // Add one unit in the last kept place, carrying into the integer part.
        std::string all = out.integer + out.fraction;
        int i = static_cast<int>(all.size()) - 1;
        for (; i >= 0; --i) {
            if (all[static_cast<std::size_t>(i)] == '9') {
                all[static_cast<std::size_t>(i)] = '0';
            } else {
                ++all[static_cast<std::size_t>(i)];
                break;
            }
        }
        if (i < 0) all.insert(all.begin(), '1');
        out.fraction = all.substr(all.size() - s);
        out.integer = all.substr(0, all.size() - s);
    }
    return out;
}

std::string Decimal::text() const {
    std::string out;
    if (negative && !isZero()) out += '-';
    out += integer.empty() ? "0" : integer;
    if (!fraction.empty()) out += "." + fraction;
    return out;
}

std::optional<std::int64_t> Decimal::toInt64() const {
    if (!isIntegral() || integer.size() > 19) return std::nullopt;
    const std::string s = (negative ? "-" : "") + (integer.empty() ? std::string("0") : integer);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace intouch
