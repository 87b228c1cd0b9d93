#include "source/PageFetcher.hpp"

#include <Poco/URI.h>

#include "common/Errors.hpp"

namespace intouch {

std::string urlEncode(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]", out);
    return out;
}

namespace {
void appendParams(std::string& url, const std::vector<std::pair<std::string, std::string>>& params,
                  bool first) {
    for (const auto& [k, v] : params) {
        url += first ? '?' : '&';
        first = false;
        url += urlEncode(k) + "=" + urlEncode(v);
    }
}
}  // namespace

AboutInfo PageFetcher::about() {
    return AboutInfo::fromJson(client_.getJson("about", /*authenticate=*/false).body);
}

Page PageFetcher::page(const PageRequest& r) {
    std::string url = r.endpoint + "?position=" + std::to_string(r.position) +
                      "&size=" + std::to_string(r.size);
    if (!r.orderBy.empty()) url += "&orderBy=" + urlEncode(r.orderBy);
    if (r.desc) url += "&desc=true";
    appendParams(url, r.params, false);
    JsonResponse response = client_.getJson(url);
    Page page = parsePageEnvelope(std::move(response.body), "GET " + url);
    page.serverDateMicros = response.serverDateMicros;
    page.text = std::move(response.text);
    return page;
}

Page PageFetcher::whole(const std::string& endpoint,
                        const std::vector<std::pair<std::string, std::string>>& params,
                        bool plainArray) {
    std::string url = endpoint;
    appendParams(url, params, true);
    JsonResponse response = client_.getJson(url);
    Page page;
    if (plainArray) {
        if (!response.body.isArray())
            throw SourceError("GET " + url + ": expected a JSON array, got a " +
                              json::typeName(response.body.type()));
        page.items = std::move(response.body.items());
        page.total = static_cast<std::int64_t>(page.items.size());
    } else {
        page = parsePageEnvelope(std::move(response.body), "GET " + url);
    }
    page.serverDateMicros = response.serverDateMicros;
    page.text = std::move(response.text);
    return page;
}

}  // namespace intouch
