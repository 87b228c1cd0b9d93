#pragma once
// One keep-alive HTTP(S) connection to the CRM host. It knows nothing about the
// API: it sends one GET, returns status, headers and the decoded body, and
// reconnects transparently when the server has closed the idle connection.

#include <memory>
#include <string>

#include "source/HttpResponse.hpp"
#include "source/SourceConfig.hpp"

namespace Poco::Net {
class HTTPClientSession;
class Context;
}  // namespace Poco::Net

namespace intouch {

// A network-level failure (connect, TLS, reset, timeout, truncated body): worth a retry.
class TransportError : public std::runtime_error {
public:
    TransportError(const std::string& what, bool retryable)
        : std::runtime_error(what), retryable_(retryable) {}
    bool retryable() const { return retryable_; }

private:
    bool retryable_;
};

class HttpTransport {
public:
    explicit HttpTransport(const SourceConfig& config);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    // pathAndQuery is relative to the host, e.g. "/api/parties?position=0&size=1000".
    // authorization is the full header value or empty for none.
    HttpResponse get(const std::string& pathAndQuery, const std::string& authorization);

    // Path prefix of the configured root URL, e.g. "/api".
    const std::string& basePath() const { return basePath_; }
    // "https://host:port" for messages.
    const std::string& origin() const { return origin_; }

    // Drops the connection; the next request opens a new one.
    void reset();

private:
    void connect();

    SourceConfig config_;
    std::string scheme_;
    std::string host_;
    unsigned short port_ = 0;
    std::string basePath_;
    std::string origin_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    struct Tls;
    std::unique_ptr<Tls> tls_;
};

// True when host names a loopback address (plain http is allowed only there).
bool isLoopbackHost(const std::string& host);

}  // namespace intouch
