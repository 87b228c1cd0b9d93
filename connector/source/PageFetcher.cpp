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

std::string requestUrl(const PageRequest& r) {
    std::string url = r.endpoint;
    bool first = true;
    auto sep = [&] {
        url += first ? '?' : '&';
        first = false;
    };
    if (r.sendPaging) {
        sep();
        url += "position=" + std::to_string(r.position) + "&size=" + std::to_string(r.size);
    }
    if (!r.orderBy.empty()) {
        sep();
        url += "orderBy=" + urlEncode(r.orderBy);
    }
    if (r.desc || r.sendDesc) {
        sep();
        url += r.desc ? "desc=true" : "desc=false";
    }
    appendParams(url, r.params, first);
    return url;
}

Page PageFetcher::page(const PageRequest& r) {
    const std::string url = requestUrl(r);
    JsonResponse response = client_.getJson(url);
    Page page;
    if (r.acceptPlainArray && response.body.isArray()) {
        page.items = std::move(response.body.items());
        for (const auto& item : page.items)
            if (!item.isObject())
                throw SourceError("GET " + url + ": list item is a " + json::typeName(item.type()) +
                                  ", not an object");
        page.total = static_cast<std::int64_t>(page.items.size());
        page.envelope = false;
    } else {
        page = parsePageEnvelope(std::move(response.body), "GET " + url);
    }
    page.position = r.sendPaging ? r.position : 0;
    page.serverDateMicros = response.serverDateMicros;
    page.text = std::move(response.text);
    return page;
}

json::Value PageFetcher::object(const std::string& endpoint) {
    JsonResponse response = client_.getJson(endpoint);
    if (!response.body.isObject())
        throw SourceError("GET " + endpoint + ": expected a JSON object, got a " +
                          json::typeName(response.body.type()));
    return std::move(response.body);
}

}  // namespace intouch
