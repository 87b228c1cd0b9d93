#pragma once

#include <cstdint>
#include <string>

#include "FaultInjector.h"
#include "HttpTypes.h"

namespace intouch::sim {

// The answer for a fault that replaces the real response (429, 503, 500, html, empty).
// nowEpochSeconds feeds Retry-After when it is sent as an HTTP-date.
SimResponse faultResponse(FaultKind kind, const FaultKnobs& knobs, int64_t nowEpochSeconds);

// Cuts a JSON body to about half, at a UTF-8 character boundary, so it is syntactically
// incomplete but still valid UTF-8. Bodies shorter than 2 bytes are returned unchanged.
std::string truncateBody(const std::string& body);

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string httpDate(int64_t epochSeconds);

}  // namespace intouch::sim
