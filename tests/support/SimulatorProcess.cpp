#include "support/SimulatorProcess.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <regex>
#include <stdexcept>

namespace intouch::testsupport {

namespace fs = std::filesystem;

namespace {

bool isExecutable(const fs::path& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The simulator's certificate is self-signed for 127.0.0.1; tests check our code, not PKI.
Poco::Net::Context::Ptr insecureClientContext() {
    static Poco::Net::Context::Ptr context = [] {
        Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE, 9, false);
        ctx->enableExtendedCertificateVerification(false);
        return ctx;
    }();
    return context;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

std::optional<fs::path> SimulatorProcess::findBinary() {
    // An explicit setting wins even if wrong, so a typo fails loudly instead of skipping.
    if (const char* env = std::getenv("INTOUCH_SIM_BIN"); env != nullptr && *env != '\0') {
        return fs::path(env);
    }
    std::vector<fs::path> candidates;
#ifdef INTOUCH_SIM_BIN
    candidates.emplace_back(INTOUCH_SIM_BIN);
#endif
#ifdef INTOUCH_BINARY_DIR
    candidates.emplace_back(fs::path(INTOUCH_BINARY_DIR) / "simulator" / "intouch-sim");
#endif
#ifdef INTOUCH_SOURCE_DIR
    candidates.emplace_back(fs::path(INTOUCH_SOURCE_DIR) / "build" / "simulator" / "intouch-sim");
#endif
    for (const auto& candidate : candidates) {
        if (isExecutable(candidate)) return candidate;
    }
    return std::nullopt;
}

SimulatorProcess::SimulatorProcess(SimulatorOptions options) : logs_("intouch-sim") {
    fs::path binary = options.binary;
    if (binary.empty()) {
        auto found = findBinary();
        if (!found) {
            throw std::runtime_error(
                "intouch-sim binary not found: build the simulator or set INTOUCH_SIM_BIN");
        }
        binary = *found;
    }
    std::vector<std::string> args = options.args;
    if (std::find(args.begin(), args.end(), "--port") == args.end()) {
        args.push_back("--port");
        args.push_back("0");
    }
    process_.emplace(ProcessSpec{.executable = binary.string(),
                                 .args = args,
                                 .env = options.env,
                                 .outputDir = logs_.path(),
                                 .name = "intouch-sim"});

    static const std::regex ready(
        R"(intouch-sim listening on ((https?)://([^/:\s]+):(\d+)(/\S*)?))");
    auto line = process_->waitForLine(ready, options.startupTimeout);
    if (!line) {
        std::string why = process_->isRunning()
                              ? "printed no 'listening on' line within " +
                                    std::to_string(options.startupTimeout.count()) + " ms"
                              : "exited with code " + std::to_string(*process_->exitCode()) +
                                    " before it was ready";
        process_->kill();
        process_->wait(std::chrono::seconds(5));
        throw std::runtime_error(binary.string() + " " + why + "\n--- stdout ---\n" +
                                 tailLines(process_->stdoutText(), 20) + "\n--- stderr ---\n" +
                                 tailLines(process_->stderrText(), 40));
    }
    std::smatch m;
    std::regex_search(*line, m, ready);
    baseUrl_ = m[1];
    https_ = m[2] == "https";
    host_ = m[3];
    port_ = std::stoi(m[4]);
}

SimulatorProcess::~SimulatorProcess() {
    if (process_) stop();
}

std::optional<int> SimulatorProcess::stop(std::chrono::milliseconds timeout) {
    process_->terminate();
    auto code = process_->wait(timeout);
    if (!code) {
        process_->kill();
        process_->wait(std::chrono::seconds(5));
    }
    return code;
}

std::string SimulatorProcess::origin() const {
    return (https_ ? "https://" : "http://") + host_ + ":" + std::to_string(port_);
}

HttpResponse SimulatorProcess::request(const std::string& method, const std::string& pathAndQuery,
                                       const std::string& body,
                                       const std::map<std::string, std::string>& headers) const {
    if (pathAndQuery.empty() || pathAndQuery.front() != '/') {
        throw std::invalid_argument("SimulatorProcess: path must start with '/' (relative to " +
                                    origin() + "): " + pathAndQuery);
    }
    // A session per request: tests then never see keep-alive state from an earlier call.
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (https_) {
        session = std::make_unique<Poco::Net::HTTPSClientSession>(
            host_, static_cast<Poco::UInt16>(port_), insecureClientContext());
    } else {
        session =
            std::make_unique<Poco::Net::HTTPClientSession>(host_, static_cast<Poco::UInt16>(port_));
    }
    session->setTimeout(Poco::Timespan(30, 0));

    Poco::Net::HTTPRequest req(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == Poco::Net::HTTPRequest::HTTP_POST ||
        method == Poco::Net::HTTPRequest::HTTP_PUT) {
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session->sendRequest(req) << body;

    Poco::Net::HTTPResponse resp;
    std::istream& in = session->receiveResponse(resp);
    HttpResponse result;
    result.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& [name, value] : resp) result.headers[lower(name)] = value;
    return result;
}

HttpResponse SimulatorProcess::get(const std::string& pathAndQuery) const {
    return request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery);
}

HttpResponse SimulatorProcess::getWithAuth(const std::string& pathAndQuery, const std::string& user,
                                           const std::string& password) const {
    Poco::Net::HTTPRequest probe;
    Poco::Net::HTTPBasicCredentials(user, password).authenticate(probe);
    return request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery, "",
                   {{"Authorization", probe.get("Authorization")}});
}

HttpResponse SimulatorProcess::post(const std::string& pathAndQuery, const std::string& body,
                                    const std::string& contentType) const {
    return request(Poco::Net::HTTPRequest::HTTP_POST, pathAndQuery, body,
                   {{"Content-Type", contentType}});
}

}  // namespace intouch::testsupport
