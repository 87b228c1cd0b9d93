#pragma once

#include <map>
#include <string>

namespace intouch {

struct HttpResponse {
    int status = 0;
    std::string reason;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;                           // decoded (gzip already inflated)
    std::size_t wireBytes = 0;                  // bytes as received, before inflating

    const std::string* header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? nullptr : &it->second;
    }
};

}  // namespace intouch
