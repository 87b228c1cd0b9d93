#pragma once
// One-line database assertions for tests: open a connection, run one statement, close. Tests
// check what the connector wrote, so each helper opens its own connection and never shares a
// transaction with the code under test.

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace intouch::testsupport::pg {

using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL
using Rows = std::vector<Row>;

// Runs SQL in autocommit mode (not inside BEGIN), so CREATE DATABASE, VACUUM and several
// ;-separated statements all work. Throws pqxx exceptions on SQL errors.
void exec(const std::string& dsn, const std::string& sql);

// All rows as text (PostgreSQL's text output format: booleans are "t"/"f").
Rows queryRows(const std::string& dsn, const std::string& sql);

// The single value of a query that must return exactly one row with one column (throws
// std::runtime_error otherwise); nullopt for NULL.
std::optional<std::string> queryScalarText(const std::string& dsn, const std::string& sql);

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
T convertScalar(const std::string& text, const std::string& sql) {
    if constexpr (std::is_same_v<T, std::string>) {
        return text;
    } else if constexpr (std::is_same_v<T, bool>) {
        if (text == "t" || text == "true") return true;
        if (text == "f" || text == "false") return false;
        throw std::runtime_error("queryScalar<bool>: '" + text + "' is not a boolean: " + sql);
    } else if constexpr (std::is_arithmetic_v<T>) {
        T value{};
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc{} || ptr != end) {
            throw std::runtime_error("queryScalar: cannot convert '" + text + "' for: " + sql);
        }
        return value;
    } else {
        static_assert(!sizeof(T),
                      "queryScalar supports std::string, bool, arithmetic types "
                      "and std::optional of those");
    }
}

}  // namespace detail

// queryScalar<long>(dsn, "SELECT count(*) FROM t"). Use std::optional<T> when NULL is a
// legitimate answer; a NULL for a non-optional T throws.
template <class T>
T queryScalar(const std::string& dsn, const std::string& sql) {
    std::optional<std::string> text = queryScalarText(dsn, sql);
    if constexpr (detail::IsOptional<T>::value) {
        if (!text) return std::nullopt;
        return detail::convertScalar<typename T::value_type>(*text, sql);
    } else {
        if (!text) throw std::runtime_error("queryScalar: unexpected NULL from: " + sql);
        return detail::convertScalar<T>(*text, sql);
    }
}

}  // namespace intouch::testsupport::pg
