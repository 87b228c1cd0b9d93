#include "common/SecretForms.hpp"

#include <cctype>
#include <optional>

namespace intouch::secrets {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void addForms(std::vector<std::string>& out, const std::string& raw, const std::string& decoded) {
    for (const std::string& s : {raw, decoded})
        if (!s.empty()) {
            bool seen = false;
            for (const auto& o : out) seen = seen || o == s;
            if (!seen) out.push_back(s);
        }
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "password=..." among the query parameters of a URI.
void queryPasswords(const std::string& query, std::vector<std::string>& out) {
    std::size_t i = 0;
    while (i <= query.size()) {
        std::size_t end = query.find('&', i);
        if (end == std::string::npos) end = query.size();
        const std::string param = query.substr(i, end - i);
        const auto eq = param.find('=');
        if (eq != std::string::npos && percentDecode(param.substr(0, eq)) == "password") {
            const std::string raw = param.substr(eq + 1);
            addForms(out, raw, percentDecode(raw));
        }
        i = end + 1;
    }
}

// Where the user info of a URL stands: [start, at) before the last '@' of the authority
// (a password may hold an unencoded '@'); nullopt when the URL has none.
struct UserInfoSpan {
    std::size_t start, at;
};
std::optional<UserInfoSpan> userInfoSpan(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return std::nullopt;
    const std::size_t start = scheme + 3;
    std::size_t authorityEnd = url.find_first_of("/?#", start);
    if (authorityEnd == std::string::npos) authorityEnd = url.size();
    const auto at = url.rfind('@', authorityEnd - 1);
    if (at == std::string::npos || at < start) return std::nullopt;
    return UserInfoSpan{start, at};
}

}  // namespace

std::string percentDecode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hexValue(s[i + 1]);
            const int lo = hexValue(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

UrlCredentials urlCredentials(const std::string& url) {
    UrlCredentials out;
    const auto span = userInfoSpan(url);
    if (!span) return out;
    const std::string userInfo = url.substr(span->start, span->at - span->start);
    const auto colon = userInfo.find(':');
    out.present = true;
    out.user = percentDecode(userInfo.substr(0, colon));
    if (colon != std::string::npos) out.password = percentDecode(userInfo.substr(colon + 1));
    return out;
}

std::string withoutUserInfo(const std::string& url) {
    const auto span = userInfoSpan(url);
    if (!span) return url;
    return url.substr(0, span->start) + url.substr(span->at + 1);
}

std::vector<std::string> urlPasswordForms(const std::string& url) {
    std::vector<std::string> out;
    const auto span = userInfoSpan(url);
    if (!span) return out;
    const std::string userInfo = url.substr(span->start, span->at - span->start);
    const auto colon = userInfo.find(':');
    if (colon == std::string::npos) return out;
    const std::string raw = userInfo.substr(colon + 1);
    addForms(out, raw, percentDecode(raw));
    return out;
}

std::vector<std::string> dsnPasswordForms(const std::string& dsn) {
    std::vector<std::string> out;
    if (startsWith(dsn, "postgresql://") || startsWith(dsn, "postgres://")) {
        out = urlPasswordForms(dsn);
        if (const auto q = dsn.find('?'); q != std::string::npos) queryPasswords(dsn.substr(q + 1), out);
        return out;
    }
    // key = value pairs; a value is 'single quoted' (\' and \\ escaped) or runs to the next
    // white space, with backslash escapes (libpq's conninfo_parse).
    std::size_t i = 0;
    const std::size_t n = dsn.size();
    auto space = [&](std::size_t k) { return k < n && std::isspace(static_cast<unsigned char>(dsn[k])); };
    while (i < n) {
        while (space(i)) ++i;
        const std::size_t keyStart = i;
        while (i < n && dsn[i] != '=' && !space(i)) ++i;
        const std::string key = dsn.substr(keyStart, i - keyStart);
        while (space(i)) ++i;
        if (i >= n || dsn[i] != '=') {
            ++i;
            continue;
        }
        ++i;
        while (space(i)) ++i;
        const std::size_t valueStart = i;
        std::string decoded;
        if (i < n && dsn[i] == '\'') {
            ++i;
            while (i < n && dsn[i] != '\'') {
                if (dsn[i] == '\\' && i + 1 < n) ++i;
                decoded.push_back(dsn[i++]);
            }
            const std::size_t innerEnd = i;
            if (i < n) ++i;  // closing quote
            if (key == "password") {
                addForms(out, dsn.substr(valueStart, i - valueStart), decoded);
                addForms(out, dsn.substr(valueStart + 1, innerEnd - valueStart - 1), decoded);
            }
        } else {
            while (i < n && !space(i)) {
                if (dsn[i] == '\\' && i + 1 < n) ++i;
                decoded.push_back(dsn[i++]);
            }
            if (key == "password") addForms(out, dsn.substr(valueStart, i - valueStart), decoded);
        }
    }
    return out;
}

}  // namespace intouch::secrets
