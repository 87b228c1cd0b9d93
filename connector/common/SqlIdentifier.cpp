#include "common/SqlIdentifier.hpp"

namespace intouch {

std::string quoteIdent(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quoteLiteral(const std::string& text) {
    // E'' reads backslashes as escapes whatever standard_conforming_strings says.
    const bool escapes = text.find('\\') != std::string::npos;
    std::string out = escapes ? "E'" : "'";
    for (char c : text) {
        if (c == '\'' || (escapes && c == '\\')) out += c;
        out += c;
    }
    return out + "'";
}

std::string qualified(const std::string& schema, const std::string& name) {
    return quoteIdent(schema) + "." + quoteIdent(name);
}

std::string identList(const std::vector<std::string>& names, const std::string& prefix) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += prefix + quoteIdent(n);
    }
    return out;
}

}  // namespace intouch
