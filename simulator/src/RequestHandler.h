#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "Simulator.h"

namespace intouch::sim {

// Translates between Poco and the handlers, and applies what belongs to the wire: faults,
// statistics, gzip, the Date header from the simulator clock.
class RequestHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit RequestHandler(Simulator& sim) : sim_(sim) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    Simulator& sim_;
};

class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit RequestHandlerFactory(Simulator& sim) : sim_(sim) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new RequestHandler(sim_);
    }

  private:
    Simulator& sim_;
};

}  // namespace intouch::sim
