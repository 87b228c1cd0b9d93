#pragma once
// Exact decimal view of a JSON number's text. Money must never pass through a
// double, and integer columns must accept 5.00 and 1e3 but refuse 5.5: both
// need the value as digits, not as a binary float.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace intouch {

class DecimalError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Decimal {
    bool negative = false;
    std::string integer;  // no leading zeros; "" for zero
    std::string
        fraction;  // as many digits as the text implies (1.50e1 -> "0"); trailing zeros kept

    // Parses JSON number text; throws DecimalError when it is not one or when
    // the value is beyond what PostgreSQL numeric can hold (131072 integer
    // digits, 16383 fraction digits).
    static Decimal parse(std::string_view text);

    bool isZero() const;
    bool isIntegral() const;  // fraction all zeros
    // Rounds to `scale` fraction digits, half away from zero (as PostgreSQL
    // rounds numeric), and pads to exactly `scale` digits.
    Decimal rounded(int scale) const;
    // Normalized text: no exponent, "0" before a leading point, no "-0".
    std::string text() const;
    // The integral value when it is integral and fits; nullopt otherwise.
    std::optional<std::int64_t> toInt64() const;
};

}  // namespace intouch
