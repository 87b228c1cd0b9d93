#include "ResponseWriter.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timestamp.h>

#include <ostream>

#include "Compression.h"

namespace intouch::sim {

void writeResponse(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   const SimResponse& r, const WireOptions& o) {
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
    response.setReason(std::string(reasonPhrase(r.status)));
    // Poco stamps its own Date at connection time; it must come from the simulator clock so
    // that it never disagrees with the `modified` values in the body.
    response.setDate(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(o.dateEpochSeconds)));
    response.set("Server", "intouch-sim");
    if (!r.contentType.empty()) response.setContentType(r.contentType);
    for (const auto& [k, v] : r.headers) response.set(k, v);

    const std::string* payload = &r.body;
    std::string compressed;
    if (o.gzip && !r.body.empty()) {
        compressed = gzipCompress(r.body);
        payload = &compressed;
        response.set("Content-Encoding", "gzip");
        response.set("Vary", "Accept-Encoding");
    }

    if (!o.dropMidBody) {
        response.sendBuffer(payload->data(), payload->size());
        return;
    }
    response.setKeepAlive(false);
    response.setContentLength64(static_cast<Poco::UInt64>(payload->size()));
    std::ostream& os = response.send();
    os.write(payload->data(), static_cast<std::streamsize>(payload->size() / 2));
    os.flush();
    // SO_LINGER 0 turns close() into a reset: the client sees the connection die mid-body
    // instead of a clean end of stream.
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl) {
        Poco::Net::StreamSocket& socket = impl->socket();
        socket.setLinger(true, 0);
        socket.close();
    }
}

}  // namespace intouch::sim
