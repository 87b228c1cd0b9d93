#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "QueryParams.h"

namespace intouch::sim {

inline constexpr int64_t kDefaultPageSize = 20;
inline constexpr int64_t kMaxPageSize = 1000;

struct PagingRequest {
    int64_t position = 0;
    int64_t size = kDefaultPageSize;
    std::optional<std::string> orderBy;  // not yet checked against the resource's fields
    bool desc = false;
};

// One entry of the API's error body: {"level":"SEVERE","field":...,"message":...}.
struct ParamProblem {
    std::string field;
    std::string message;
};

// position, size, orderBy and desc as documented; other parameters are ignored here.
std::variant<PagingRequest, ParamProblem> parsePagingRequest(const QueryParams& q);
// Only orderBy and desc, with the /api/files defaults (modified, descending).
std::variant<PagingRequest, ParamProblem> parseFilesRequest(const QueryParams& q);

}  // namespace intouch::sim
