#include "common/SqlTemplate.hpp"

#include <stdexcept>

namespace intouch {

namespace {
bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Length of the hole's name when `text` starts a hole at `at` ("{name}"), else 0.
std::size_t holeNameLength(std::string_view text, std::size_t at) {
    std::size_t end = at + 1;
    while (end < text.size() && isNameChar(text[end])) ++end;
    if (end == at + 1 || end >= text.size() || text[end] != '}') return 0;
    return end - at - 1;
}
// Built by appending: `"literal" + std::string` trips g++ 12's false -Wrestrict at -O3.
std::logic_error templateError(std::string_view a, std::string_view name, std::string_view b,
                               std::string_view text) {
    std::string message = "SQL template: ";
    message.append(a).append(name).append(b).append(text);
    return std::logic_error(message);
}
}  // namespace

std::string fillSql(std::string_view text, const SqlValues& values) {
    std::vector<bool> used(values.size(), false);
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t from = 0;
    for (std::size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1)) {
        const std::size_t length = holeNameLength(text, at);
        if (length == 0) continue;
        const std::string_view name = text.substr(at + 1, length);
        std::size_t i = 0;
        while (i < values.size() && values[i].first != name) ++i;
        if (i == values.size()) throw templateError("no value for {", name, "} in: ", text);
        used[i] = true;
        out.append(text.substr(from, at - from));
        out.append(values[i].second);
        from = at + length + 2;
        at = from - 1;
    }
    out.append(text.substr(from));
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!used[i]) throw templateError("value '", values[i].first, "' fills no hole in: ", text);
    return out;
}

}  // namespace intouch
