#pragma once

#include <optional>
#include <string>

namespace intouch::sim {

// True when the Authorization header is "Basic base64(user:password)" with these credentials.
bool basicAuthMatches(const std::optional<std::string>& header, const std::string& user,
                      const std::string& password);

}  // namespace intouch::sim
