#include "FaultResponses.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace intouch::sim {

std::string httpDate(int64_t epochSeconds) {
    return Poco::DateTimeFormatter::format(
        Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(epochSeconds)),
        Poco::DateTimeFormat::HTTP_FORMAT);
}

namespace {

std::string retryAfter(const FaultKnobs& k, int64_t now) {
    if (k.retryAfterHttpDate) return httpDate(now + k.retryAfterSeconds);
    return std::to_string(k.retryAfterSeconds);
}

SimResponse html(int status, std::string_view title) {
    SimResponse r;
    r.status = status;
    r.contentType = "text/html; charset=utf-8";
    r.body = "<!DOCTYPE html>\n<html><head><title>" + std::to_string(status) + " " +
             std::string(title) + "</title></head>\n<body><h1>" + std::string(title) +
             "</h1><p>The server encountered a problem. Zkuste to prosím později.</p>"
             "<hr><address>Apache Tomcat/9.0</address></body></html>\n";
    return r;
}

}  // namespace

SimResponse faultResponse(FaultKind kind, const FaultKnobs& knobs, int64_t now) {
    switch (kind) {
        case FaultKind::TooManyRequests: {
            SimResponse r = errorResponse(429, "Too many requests, slow down");
            r.headers.emplace_back("Retry-After", retryAfter(knobs, now));
            return r;
        }
        case FaultKind::ServiceUnavailable: {
            SimResponse r = html(503, "Service Unavailable");
            r.headers.emplace_back("Retry-After", retryAfter(knobs, now));
            return r;
        }
        case FaultKind::ServerError:
            return errorResponse(500, "Internal server error");
        case FaultKind::HtmlError:
            return html(500, "Internal Server Error");
        case FaultKind::EmptyBadGateway: {
            SimResponse r;
            r.status = 502;
            r.contentType.clear();
            return r;
        }
        case FaultKind::None:
        case FaultKind::Drop:
        case FaultKind::Truncate:
            break;
    }
    return errorResponse(500, "Internal server error");
}

std::string truncateBody(const std::string& body) {
    if (body.size() < 2) return body;
    std::size_t cut = body.size() / 2;
    while (cut > 1 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
    return body.substr(0, cut);
}

}  // namespace intouch::sim
