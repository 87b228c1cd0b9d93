#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>

#include "HttpTypes.h"

namespace intouch::sim {

struct WireOptions {
    bool gzip = false;         // the client accepts gzip
    bool dropMidBody = false;  // send half the body, then reset the connection
    int64_t dateEpochSeconds = 0;
};

void writeResponse(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   const SimResponse& r, const WireOptions& options);

}  // namespace intouch::sim
