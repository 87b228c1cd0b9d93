#include "HttpTypes.h"

#include "JsonWriter.h"

namespace intouch::sim {

const std::string* SimResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return &v;
    return nullptr;
}

SimResponse jsonResponse(std::string body, int status) {
    SimResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

SimResponse errorResponse(int status, std::string_view message, std::string_view field) {
    JsonBuilder j;
    j.beginObject().key("ok").boolean(false).key("status").num(status);
    j.key("problems").beginArray().beginObject().key("level").str("SEVERE");
    if (!field.empty()) j.key("field").str(field);
    j.key("message").str(message).endObject().endArray().endObject();
    return jsonResponse(j.take(), status);
}

std::string_view reasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

}  // namespace intouch::sim
