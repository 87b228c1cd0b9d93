#pragma once
// Runs the project's InTouch simulator (intouch-sim) on an ephemeral loopback port so fetcher
// tests speak real HTTP without any fixed port that parallel test runs could fight over.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/ChildProcess.hpp"
#include "support/TempDirectory.hpp"

namespace intouch::testsupport {

struct HttpResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased

    // Header value by case-insensitive name; empty when absent.
    std::string header(const std::string& name) const;
};

struct SimulatorOptions {
    // Extra command-line flags; "--port 0" is appended unless args already contain --port.
    std::vector<std::string> args{};
    Environment env{};
    // Empty = SimulatorProcess::findBinary().
    std::filesystem::path binary{};
    std::chrono::milliseconds startupTimeout{std::chrono::seconds(10)};
};

class SimulatorProcess {
  public:
    // $INTOUCH_SIM_BIN, else the intouch-sim target built by this CMake tree, else
    // <source>/build/simulator/intouch-sim. nullopt when none exists (not built yet).
    static std::optional<std::filesystem::path> findBinary();

    // Starts the simulator and waits for its "intouch-sim listening on URL" line. Throws
    // std::runtime_error with its output if it exits or stays silent past startupTimeout.
    explicit SimulatorProcess(SimulatorOptions options = {});
    // SIGTERM, up to 5 s for a clean exit, then SIGKILL.
    ~SimulatorProcess();

    SimulatorProcess(const SimulatorProcess&) = delete;
    SimulatorProcess& operator=(const SimulatorProcess&) = delete;

    // The API root exactly as printed, e.g. "http://127.0.0.1:41234/api".
    const std::string& baseUrl() const { return baseUrl_; }
    // Scheme, host and port without a path, e.g. "http://127.0.0.1:41234".
    std::string origin() const;
    const std::string& host() const { return host_; }
    int port() const { return port_; }
    bool isHttps() const { return https_; }

    // HTTP helpers. pathAndQuery is relative to the HOST and must start with '/': both
    // "/api/parties?page=1" and control calls like "/_sim/mutate?..." are written out in full.
    // Over https the simulator's self-signed certificate is accepted.
    HttpResponse get(const std::string& pathAndQuery) const;
    HttpResponse getWithAuth(const std::string& pathAndQuery, const std::string& user,
                             const std::string& password) const;
    HttpResponse post(const std::string& pathAndQuery, const std::string& body = "",
                      const std::string& contentType = "application/json") const;
    // The general form behind the helpers above.
    HttpResponse request(const std::string& method, const std::string& pathAndQuery,
                         const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {}) const;

    // SIGTERM and wait; returns the exit code (nullopt if it had to be SIGKILLed).
    std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    ChildProcess& process() { return *process_; }
    std::string stdoutText() const { return process_->stdoutText(); }
    std::string stderrText() const { return process_->stderrText(); }

  private:
    TempDirectory logs_;
    std::optional<ChildProcess> process_;
    std::string baseUrl_;
    std::string host_;
    int port_ = 0;
    bool https_ = false;
};

}  // namespace intouch::testsupport

// Skips the current test when the simulator has not been built yet (it is developed in
// parallel); once it exists, tests using it run and must pass.
#define INTOUCH_REQUIRE_SIMULATOR()                                                         \
    if (!::intouch::testsupport::SimulatorProcess::findBinary())                            \
    GTEST_SKIP() << "intouch-sim binary does not exist yet (build the simulator target or " \
                    "set INTOUCH_SIM_BIN)"
