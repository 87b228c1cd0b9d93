#pragma once
// Where credentials hide inside settings, and the forms they take there: a DSN password
// quoted ('a b'), backslash-escaped (a\ b) or percent-encoded in a URI
// (postgresql://u:p%40ss@h/db), a user:password@ in a URL. Each function returns every
// form (decoded and as written) so that the log can mask all of them.

#include <string>
#include <vector>

namespace intouch::secrets {

// The password of a libpq connection string, key/value or URI form; empty when none.
std::vector<std::string> dsnPasswordForms(const std::string& dsn);

// The password of a URL's user info (scheme://user:password@host/...), as written and
// percent-decoded; empty when none.
std::vector<std::string> urlPasswordForms(const std::string& url);

std::string percentDecode(const std::string& s);

// user and password of a URL's user info, percent-decoded; empty strings when none.
struct UrlCredentials {
    std::string user, password;
    bool present = false;
};
UrlCredentials urlCredentials(const std::string& url);

// The URL with any user:password@ removed, for messages.
std::string withoutUserInfo(const std::string& url);

}  // namespace intouch::secrets
