#pragma once

#include <string>
#include <vector>

namespace intouch {

// "name" with embedded quotes doubled: safe for any table, schema or column name.
std::string quoteIdent(const std::string& name);
// 'text' with embedded quotes doubled (E'...' with backslashes doubled too when it holds
// any): for text the SQL is generated with, such as comments written in mapping files.
std::string quoteLiteral(const std::string& text);
// "schema"."name"
std::string qualified(const std::string& schema, const std::string& name);
// PostgreSQL text[] literal {"a","b \"q\""} of any container of strings.
template <typename Strings>
std::string textArrayLiteral(const Strings& values) {
    std::string out = "{";
    bool first = true;
    for (const std::string& v : values) {
        if (!first) out += ',';
        first = false;
        out += '"';
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

// "a", "b", "c"
std::string identList(const std::vector<std::string>& names, const std::string& prefix = "");

}  // namespace intouch
