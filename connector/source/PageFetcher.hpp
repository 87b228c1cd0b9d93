#pragma once
// Requests of the list endpoints, in the API's own terms (position, size,
// orderBy, desc). It does not decide what to read next: that is the sync
// strategy's job, which needs exact control over every request it makes.

#include <string>
#include <utility>
#include <vector>

#include "source/AboutInfo.hpp"
#include "source/ApiClient.hpp"
#include "source/PageEnvelope.hpp"

namespace intouch {

struct PageRequest {
    std::string endpoint;  // e.g. "parties"
    std::int64_t position = 0;
    int size = 1000;
    std::string orderBy;  // empty: server default order
    bool desc = false;
    // Send `desc` also when false: endpoints whose default is descending (files).
    bool sendDesc = false;
    std::vector<std::pair<std::string, std::string>> params;  // e.g. caseType=0
    // The docs leave the shape open (members, files, lists): a plain JSON array is then
    // accepted as the whole list.
    bool acceptPlainArray = false;
    // False: no position/size parameters (an endpoint documented without paging, asked
    // for its first answer).
    bool sendPaging = true;
};

// The URL of a request, relative to the API base: also the name errors give it.
std::string requestUrl(const PageRequest& request);

class PageFetcher {
public:
    explicit PageFetcher(ApiClient& client) : client_(client) {}

    AboutInfo about();
    Page page(const PageRequest& request);

    // One object (e.g. lists/{id}); throws NotFoundError for 404.
    json::Value object(const std::string& endpoint);

    ApiClient& client() { return client_; }

private:
    ApiClient& client_;
};

std::string urlEncode(const std::string& s);

}  // namespace intouch
