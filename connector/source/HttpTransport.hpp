#pragma once
// One keep-alive HTTP(S) connection to the CRM host. It knows nothing about the
// API: it makes exactly one GET exchange per call and returns status, headers and
// the decoded body, or throws a TransportError saying what kind of failure it was.
// Deciding whether and when to try again is ApiClient's job (it also keeps the
// request rate), so nothing here ever sends a request behind the throttle's back.

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "source/HttpResponse.hpp"
#include "source/SourceConfig.hpp"

namespace Poco::Net {
class HTTPClientSession;
}  // namespace Poco::Net

namespace intouch {

class TlsClientContext;
class BodyDecoder;

class TransportError : public std::runtime_error {
public:
    enum class Kind {
        Timeout,          // connect, read or whole-request timeout
        Network,          // refused, reset, closed mid-body, DNS...
        CorruptBody,      // the body arrived but cannot be decoded (bad gzip)
        Tls,              // certificate refused or TLS handshake impossible: not retryable
        StaleConnection,  // a kept-alive connection the server had closed; nothing was answered
        TooLarge,         // the answer exceeds source.max_response_bytes: asking again would not help
    };
    TransportError(const std::string& what, Kind kind) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const { return kind_; }
    bool retryable() const { return kind_ != Kind::Tls && kind_ != Kind::TooLarge; }

private:
    Kind kind_;
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

    // Byte access to the connection below Poco's body streams, which end a cut chunked
    // body silently (as if it were complete).
    struct RawReader {
        virtual ~RawReader() = default;
        virtual int rawRead(char* buffer, std::streamsize length) = 0;  // 0 at the end
    };

    // Connections opened so far (keep-alive working means far fewer than requests).
    std::int64_t connectionsOpened() const { return connectionsOpened_; }

private:
    HttpResponse exchange(const std::string& pathAndQuery, const std::string& authorization,
                          std::chrono::steady_clock::time_point deadline);
    void limitSocketWait(std::chrono::steady_clock::time_point deadline);
    void readBody(const std::string& what, bool chunked, std::int64_t contentLength,
                  BodyDecoder& body, std::chrono::steady_clock::time_point deadline);

    RawReader* raw_ = nullptr;  // the same object as session_

    SourceConfig config_;
    std::string scheme_;
    std::string host_;
    unsigned short port_ = 0;
    std::string basePath_;
    std::string origin_;
    std::unique_ptr<TlsClientContext> tls_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    std::chrono::steady_clock::time_point lastUsed_{};
    std::int64_t connectionsOpened_ = 0;
};

// True when host is a loopback address literal (127.0.0.0/8, ::1, ::ffff:127.x.y.z, with or
// without [ ]) or the name localhost resolving to loopback addresses only. Plain http is
// allowed only there. Any other name is false, whatever it looks like ("127.example.com").
bool isLoopbackHost(const std::string& host);
bool isLoopbackAddress(const std::string& literal);

}  // namespace intouch
