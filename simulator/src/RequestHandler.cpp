#include "RequestHandler.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <thread>

#include "ApiHandlers.h"
#include "Compression.h"
#include "ControlHandlers.h"
#include "FaultResponses.h"
#include "ResponseWriter.h"

namespace intouch::sim {

namespace {

int64_t wallMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool under(const std::string& path, std::string_view root) {
    return path.size() >= root.size() && path.compare(0, root.size(), root) == 0 &&
           (path.size() == root.size() || path[root.size()] == '/');
}

// Counts the request as finished however the handler leaves (including a client that
// vanished while we were writing).
class InFlight {
  public:
    InFlight(Stats& stats, int64_t arrivalMs) : stats_(stats) { stats_.begin(arrivalMs); }
    ~InFlight() { stats_.finish(status); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    int status = 500;

  private:
    Stats& stats_;
};

}  // namespace

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
    const int64_t arrivalMs = wallMillis();
    WireOptions wire;
    wire.gzip = acceptsGzip(request.get("Accept-Encoding", ""));

    // Unread request bodies would corrupt the next request on a kept-alive connection.
    if (request.hasContentLength() || request.getChunkedTransferEncoding()) {
        Poco::NullOutputStream sink;
        Poco::StreamCopier::copyStream(request.stream(), sink);
    }

    SimRequest req;
    req.method = request.getMethod();
    try {
        Poco::URI uri(request.getURI());
        req.path = uri.getPath();
        for (auto& kv : uri.getQueryParameters()) req.query.push_back(std::move(kv));
    } catch (const Poco::Exception& e) {
        wire.dateEpochSeconds = sim_.clock().now();
        writeResponse(request, response, errorResponse(400, "Malformed URI: " + e.message()), wire);
        return;
    }
    if (request.has("Authorization")) req.authorization = request.get("Authorization");

    if (under(req.path, "/_sim")) {
        SimResponse r;
        try {
            r = ControlHandlers(sim_).handle(req);
        } catch (const std::exception& e) {
            r = errorResponse(500, std::string("Simulator failure: ") + e.what());
        }
        wire.dateEpochSeconds = sim_.clock().now();
        writeResponse(request, response, r, wire);
        return;
    }
    if (!under(req.path, "/api")) {
        wire.dateEpochSeconds = sim_.clock().now();
        writeResponse(request, response, errorResponse(404, "Unknown path"), wire);
        return;
    }

    InFlight inFlight(sim_.stats(), arrivalMs);
    const RuntimeConfig cfg = sim_.runtime();
    const FaultDecision fault = sim_.faults().next(cfg.faults);
    if (fault.slow) {
        sim_.stats().fault("slow");
        std::this_thread::sleep_for(std::chrono::milliseconds(cfg.faults.slowMs));
    }

    SimResponse r;
    switch (fault.kind) {
        case FaultKind::TooManyRequests:
        case FaultKind::ServiceUnavailable:
        case FaultKind::ServerError:
        case FaultKind::HtmlError:
        case FaultKind::EmptyBadGateway:
            sim_.stats().fault(faultName(fault.kind));
            r = faultResponse(fault.kind, cfg.faults, sim_.clock().now());
            break;
        case FaultKind::None:
        case FaultKind::Drop:
        case FaultKind::Truncate:
            try {
                r = ApiHandlers(sim_).handle(req);
            } catch (const std::exception& e) {
                r = errorResponse(500, std::string("Simulator failure: ") + e.what());
            }
            // Only real 200 bodies are damaged: a cut-off error page would test nothing new.
            if (r.status == 200 && r.body.size() >= 2) {
                if (fault.kind == FaultKind::Drop) {
                    sim_.stats().fault(faultName(fault.kind));
                    wire.dropMidBody = true;
                } else if (fault.kind == FaultKind::Truncate) {
                    sim_.stats().fault(faultName(fault.kind));
                    r.body = truncateBody(r.body);
                }
            }
            break;
    }
    inFlight.status = r.status;
    wire.dateEpochSeconds = sim_.clock().now();
    writeResponse(request, response, r, wire);
}

}  // namespace intouch::sim
