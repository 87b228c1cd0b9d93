#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "DateTimeFormat.h"
#include "HttpServer.h"
#include "SimConfig.h"
#include "Simulator.h"

using namespace intouch::sim;

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = parseCommandLine(args);
    if (const auto* err = std::get_if<std::string>(&parsed)) {
        std::cerr << "intouch-sim: " << *err << "\n\n" << usageText();
        return 2;
    }
    const SimConfig cfg = std::get<SimConfig>(parsed);
    if (cfg.help) {
        std::cout << usageText();
        return 0;
    }

    setProcessTimeZone(cfg.timezone);
    // Termination signals are blocked in every thread (the server threads inherit the mask)
    // and collected by sigwait below, so shutdown runs in ordinary code, not a handler.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    // A client that disconnects mid-response must not kill the simulator.
    std::signal(SIGPIPE, SIG_IGN);

    int rc = 0;
    if (cfg.tls()) Poco::Net::initializeSSL();
    try {
        Simulator sim(cfg);
        SimServer server(sim, cfg);
        server.start();
        std::cout << "intouch-sim listening on " << server.apiUrl() << std::endl;
        int sig = 0;
        sigwait(&stopSignals, &sig);
        server.stop();
    } catch (const Poco::Exception& e) {
        std::cerr << "intouch-sim: " << e.displayText() << "\n";
        rc = 1;
    } catch (const std::exception& e) {
        std::cerr << "intouch-sim: " << e.what() << "\n";
        rc = 1;
    }
    if (cfg.tls()) Poco::Net::uninitializeSSL();
    return rc;
}
