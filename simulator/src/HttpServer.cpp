#include "HttpServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include "RequestHandler.h"

namespace intouch::sim {

std::string connectHost(const std::string& bind) {
    if (bind == "0.0.0.0") return "127.0.0.1";
    if (bind == "::") return "[::1]";
    if (bind.find(':') != std::string::npos) return "[" + bind + "]";
    return bind;
}

SimServer::SimServer(Simulator& sim, const SimConfig& cfg) : sim_(sim), cfg_(cfg) {}

SimServer::~SimServer() {
    stop();
}

void SimServer::start() {
    const Poco::Net::SocketAddress address(cfg_.bind, static_cast<Poco::UInt16>(cfg_.port));
    Poco::Net::ServerSocket socket;
    if (cfg_.tls()) {
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::SERVER_USE, cfg_.tlsKey, cfg_.tlsCert, "",
                                   Poco::Net::Context::VERIFY_NONE);
        socket = Poco::Net::SecureServerSocket(address, 64, context);
    } else {
        socket = Poco::Net::ServerSocket(address, 64);
    }
    port_ = socket.address().port();

    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(cfg_.threads);
    params->setMaxQueued(1000);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);  // unlimited
    params->setKeepAliveTimeout(Poco::Timespan(15, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    params->setServerName("intouch-sim");

    pool_ = std::make_unique<Poco::ThreadPool>(cfg_.threads, cfg_.threads);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new RequestHandlerFactory(sim_), *pool_,
                                                      socket, params);
    server_->start();
}

void SimServer::stop() {
    if (server_) {
        server_->stopAll(true);
        server_.reset();
    }
    if (pool_) {
        pool_->joinAll();
        pool_.reset();
    }
}

std::string SimServer::apiUrl() const {
    return std::string(cfg_.tls() ? "https" : "http") + "://" + connectHost(cfg_.bind) + ":" +
           std::to_string(port_) + "/api";
}

}  // namespace intouch::sim
