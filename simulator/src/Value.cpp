#include "Value.h"

#include <type_traits>

#include "JsonWriter.h"

namespace intouch::sim {

namespace {

template <class T>
int threeWay(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

int compareText(const std::string& a, const std::string& b) {
    // std::string::compare works on char_traits<char>, which compares as unsigned bytes.
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int compareValues(const Value& a, const Value& b) {
    const bool an = isNullish(a), bn = isNullish(b);
    if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
    // Integer and decimal fields never mix in one field, but compare them sensibly anyway.
    if (std::holds_alternative<int64_t>(a) && std::holds_alternative<Decimal>(b))
        return threeWay(std::get<int64_t>(a) * 100, std::get<Decimal>(b).cents);
    if (std::holds_alternative<Decimal>(a) && std::holds_alternative<int64_t>(b))
        return threeWay(std::get<Decimal>(a).cents, std::get<int64_t>(b) * 100);
    if (a.index() != b.index()) return threeWay(a.index(), b.index());
    return std::visit(
        [&b](const auto& x) -> int {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b);
            if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, int64_t>) {
                return threeWay(x, y);
            } else if constexpr (std::is_same_v<T, Decimal>) {
                return threeWay(x.cents, y.cents);
            } else if constexpr (std::is_same_v<T, DateTime>) {
                return threeWay(x.epochSeconds, y.epochSeconds);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return compareText(x, y);
            } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Time> ||
                                 std::is_same_v<T, RawJson>) {
                return compareText(x.text, y.text);
            } else {
                return 0;
            }
        },
        a);
}

void appendValueJson(std::string& out, const Value& v, DateTimeFormat f) {
    std::visit(
        [&out, f](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Absent> || std::is_same_v<T, std::nullptr_t>) {
                out.append("null");
            } else if constexpr (std::is_same_v<T, bool>) {
                json::appendBool(out, x);
            } else if constexpr (std::is_same_v<T, int64_t>) {
                json::appendInt(out, x);
            } else if constexpr (std::is_same_v<T, Decimal>) {
                json::appendDecimal(out, x.cents);
            } else if constexpr (std::is_same_v<T, std::string>) {
                json::appendString(out, x);
            } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Time>) {
                json::appendString(out, x.text);
            } else if constexpr (std::is_same_v<T, DateTime>) {
                appendDateTimeJson(out, x.epochSeconds, f);
            } else if constexpr (std::is_same_v<T, RawJson>) {
                out.append(x.text);
            }
        },
        v);
}

}  // namespace intouch::sim
