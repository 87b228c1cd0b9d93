#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "QueryParams.h"

namespace intouch::sim {

// The handlers work on these plain structs, not on Poco's request/response objects, so the
// routing and validation rules can be unit-tested without sockets.
struct SimRequest {
    std::string method = "GET";
    std::string path;  // decoded, without the query
    QueryParams query;
    std::optional<std::string> authorization;  // the raw Authorization header
};

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

struct SimResponse {
    int status = 200;
    std::string contentType{kJsonContentType};  // empty: no Content-Type header
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    const std::string* header(std::string_view name) const;
};

SimResponse jsonResponse(std::string body, int status = 200);
// The documented error body: {"ok":false,"status":N,"problems":[{"level":"SEVERE",...}]}.
// `field` is left out when empty.
SimResponse errorResponse(int status, std::string_view message, std::string_view field = {});
std::string_view reasonPhrase(int status);

}  // namespace intouch::sim
