#pragma once
// The CRM's documented error body: {"ok":false,"status":404,"problems":[{level, field, message}]}.
// Undocumented statuses (401, 429, 5xx) may carry anything, HTML or nothing, so the
// description falls back to a short, sanitized excerpt of the body.

#include <string>
#include <vector>

#include "source/HttpResponse.hpp"

namespace intouch {

struct ApiProblem {
    std::string level;  // INFO, WARNING, SEVERE
    std::string field;  // optional
    std::string message;
};

// Problems from an error body; empty when the body is not the documented JSON.
std::vector<ApiProblem> parseApiProblems(const std::string& body);

// "GET /api/parties?...: HTTP 400 Bad Request: SEVERE size: must be at most 1000; ..."
std::string describeHttpFailure(const std::string& request, const HttpResponse& response);

}  // namespace intouch
