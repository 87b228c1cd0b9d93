#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "SimConfig.h"
#include "Simulator.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace intouch::sim {

// Poco HTTP(S) server around a Simulator: one worker thread per connection (up to
// --threads), HTTP/1.1 keep-alive, gzip on request, faults and statistics for /api.
class SimServer {
  public:
    SimServer(Simulator& sim, const SimConfig& cfg);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // Binds and listens; throws Poco::Exception when the address is unusable.
    void start();
    // Stops accepting and aborts open connections.
    void stop();

    uint16_t port() const { return port_; }
    // e.g. http://127.0.0.1:43127/api
    std::string apiUrl() const;

  private:
    Simulator& sim_;
    SimConfig cfg_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// Host part for a URL that reaches a server bound to `bind` (wildcards map to loopback).
std::string connectHost(const std::string& bind);

}  // namespace intouch::sim
