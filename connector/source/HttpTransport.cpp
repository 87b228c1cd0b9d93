#include "source/HttpTransport.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/URI.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "source/BodyDecoder.hpp"
#include "source/TlsClientContext.hpp"

namespace intouch {

namespace {

using Clock = std::chrono::steady_clock;

// Servers drop idle keep-alive connections (Apache after 5 s by default). One
// idle for longer is not reused, so the common case costs no failed request;
// a connection closed even earlier is caught as a stale connection.
constexpr auto kMaxIdle = std::chrono::seconds(4);

Poco::Timespan span(double s) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max(0.001, s) * 1e6));
}

double secondsLeft(Clock::time_point deadline) {
    return std::chrono::duration<double>(deadline - Clock::now()).count();
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string seconds(double s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

// Where an exchange failed; decides which failures are worth a retry.
enum class Phase {
    Connect,   // opening a new connection (TCP + TLS handshake) and sending
    Send,      // sending on a kept-alive connection
    Headers,   // waiting for the status line and headers
    Body,      // reading the body
};

const char* describe(Phase p) {
    switch (p) {
        case Phase::Connect: return "while connecting";
        case Phase::Send: return "while sending the request";
        case Phase::Headers: return "while waiting for the answer";
        case Phase::Body: return "while reading the answer";
    }
    return "";
}

// OpenSSL 3 reports a peer that vanished mid-handshake as an SSL error; that is
// a network failure worth a retry, not a TLS configuration problem.
bool isUnexpectedClose(const Poco::Exception& e) {
    if (dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e)) return true;
    return lower(e.displayText()).find("unexpected eof") != std::string::npos;
}

template <class Session>
class RawSession : public Session, public HttpTransport::RawReader {
  public:
    using Session::Session;
    int rawRead(char* buffer, std::streamsize length) override { return this->read(buffer, length); }
};

}  // namespace

bool isLoopbackAddress(const std::string& literal) {
    std::string h = literal;
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    in_addr v4{};
    if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
        // ::ffff:127.x.y.z is IPv4 loopback written as IPv6.
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    return false;
}

// Only an address literal or the name localhost, and localhost only if every address it
// resolves to is loopback: a name like 127.example.com is whatever its DNS says.
bool isLoopbackHost(const std::string& host) {
    if (isLoopbackAddress(host)) return true;
    std::string name = lower(host);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (name != "localhost") return false;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0 || !found) return false;
    bool all = true;
    for (const addrinfo* a = found; a; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        if (a->ai_family == AF_INET)
            ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr, text, sizeof text);
        else if (a->ai_family == AF_INET6)
            ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr, text, sizeof text);
        if (!isLoopbackAddress(text)) all = false;
    }
    ::freeaddrinfo(found);
    return all;
}

HttpTransport::HttpTransport(const SourceConfig& config) : config_(config) {
    Poco::URI uri;
    try {
        uri = Poco::URI(config.url);
    } catch (const Poco::Exception& e) {
        throw ConfigError("source.url '" + config.url + "' is not a valid URL: " + e.message());
    }
    scheme_ = lower(uri.getScheme());
    host_ = uri.getHost();
    port_ = uri.getPort();
    basePath_ = uri.getPath();
    while (!basePath_.empty() && basePath_.back() == '/') basePath_.pop_back();
    if (host_.empty()) throw ConfigError("source.url '" + config.url + "' has no host");
    if (scheme_ == "http") {
        if (!isLoopbackHost(host_))
            throw ConfigError("source.url '" + config.url +
                              "' uses plain http: the InTouch API must only be used over "
                              "TLS; use https:// (plain http is accepted for loopback "
                              "addresses only, e.g. the local simulator)");
    } else if (scheme_ != "https") {
        throw ConfigError("source.url '" + config.url + "' must start with https://");
    }
    origin_ = scheme_ + "://" + host_ + ":" + std::to_string(port_);
    if (scheme_ == "https") tls_ = std::make_unique<TlsClientContext>(config, host_);
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::reset() { session_.reset(); }

void HttpTransport::readBody(const std::string& what, bool chunked, std::int64_t contentLength,
                             BodyDecoder& body, Clock::time_point deadline) {
    std::vector<char> buffer(64 * 1024);
    auto cutOff = [&](const std::string& where) {
        return TransportError(what + ": the connection closed " + where + " after " +
                                  std::to_string(body.wireBytes()) + " body bytes",
                              TransportError::Kind::Network);
    };
    // Reads up to n bytes (n > 0); 0 only at the end of the connection.
    auto readSome = [&](std::size_t n) {
        limitSocketWait(deadline);
        return raw_->rawRead(buffer.data(), static_cast<std::streamsize>(std::min(n, buffer.size())));
    };
    if (!chunked) {
        if (contentLength >= 0) body.expectLength(contentLength, "announced by Content-Length");
        std::int64_t left = contentLength;
        while (contentLength < 0 || left > 0) {
            const std::size_t want = contentLength < 0 ? buffer.size() : static_cast<std::size_t>(std::min<std::int64_t>(left, static_cast<std::int64_t>(buffer.size())));
            const int n = readSome(want);
            if (n <= 0) {
                if (contentLength < 0) return;  // the body ends with the connection
                throw TransportError(what + ": the connection closed after " +
                                         std::to_string(body.wireBytes()) + " of " +
                                         std::to_string(contentLength) + " body bytes",
                                     TransportError::Kind::Network);
            }
            body.append(buffer.data(), static_cast<std::size_t>(n));
            left -= n;
        }
        return;
    }
    // Chunked: "<hex size>[;ext]CRLF <data> CRLF" ... "0 CRLF [trailers] CRLF". A body
    // that stops before the last chunk is a cut answer, not a short page.
    auto readLine = [&](const char* where) {
        std::string line;
        for (;;) {
            limitSocketWait(deadline);
            char c = 0;
            if (raw_->rawRead(&c, 1) <= 0) throw cutOff(where);
            if (c == '\n') break;
            if (line.size() >= 4096)
                throw TransportError(what + ": malformed chunked body (a chunk header line is too long)",
                                     TransportError::Kind::CorruptBody);
            line.push_back(c);
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    };
    for (;;) {
        const std::string header = readLine("in the middle of a chunked body");
        std::size_t used = 0;
        std::uint64_t size = 0;
        for (; used < header.size() && std::isxdigit(static_cast<unsigned char>(header[used])); ++used) {
            if (size > (std::uint64_t{1} << 40))
                throw TransportError(what + ": malformed chunked body (chunk size '" + header + "')",
                                     TransportError::Kind::CorruptBody);
            const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(header[used])));
            size = size * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        if (used == 0 || (used < header.size() && header[used] != ';' && header[used] != ' ' && header[used] != '\t'))
            throw TransportError(what + ": malformed chunked body (chunk size line '" + header.substr(0, 40) + "')",
                                 TransportError::Kind::CorruptBody);
        if (size == 0) {
            while (!readLine("in the trailer of a chunked body").empty()) {
            }
            return;
        }
        body.expectLength(static_cast<std::int64_t>(body.wireBytes() + size), "announced by a chunk");
        for (std::uint64_t left = size; left > 0;) {
            const int n = readSome(static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size())));
            if (n <= 0) throw cutOff("in the middle of a chunk");
            body.append(buffer.data(), static_cast<std::size_t>(n));
            left -= static_cast<std::uint64_t>(n);
        }
        if (!readLine("in the middle of a chunked body").empty())
            throw TransportError(what + ": malformed chunked body (no line end after a chunk)",
                                 TransportError::Kind::CorruptBody);
    }
}

// Each socket wait is the read timeout, but never beyond the whole-request
// deadline: Poco's timeouts restart with every packet, so a server dripping a
// byte at a time would otherwise hold a request forever.
void HttpTransport::limitSocketWait(Clock::time_point deadline) {
    const double left = secondsLeft(deadline);
    if (left <= 0) throw Poco::TimeoutException("request deadline passed");
    double wait = std::min(config_.readTimeoutSeconds, left);
    // On a TLS socket Poco waits twice: the socket timeout in SSL_read/SSL_write,
    // then once more polling for the rest of the record (SecureSocketImpl::mustRetry).
    // Half on the socket makes a silence end after the configured time.
    if (tls_) wait /= 2;
    session_->setTimeout(span(std::min(config_.connectTimeoutSeconds, left)), span(wait), span(wait));
    if (session_->connected()) {
        session_->socket().setReceiveTimeout(span(wait));
        session_->socket().setSendTimeout(span(wait));
    }
}

HttpResponse HttpTransport::get(const std::string& pathAndQuery, const std::string& authorization) {
    const auto started = Clock::now();
    const auto deadline =
        started + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(config_.requestTimeoutSeconds));
    if (session_ && started - lastUsed_ > kMaxIdle) session_.reset();
    HttpResponse out = exchange(pathAndQuery, authorization, deadline);
    lastUsed_ = Clock::now();
    return out;
}

HttpResponse HttpTransport::exchange(const std::string& pathAndQuery, const std::string& authorization,
                                     Clock::time_point deadline) {
    const std::string what = "GET " + origin_ + pathAndQuery;
    const auto started = Clock::now();
    const bool reused = session_ != nullptr;
    Phase phase = reused ? Phase::Send : Phase::Connect;
    try {
        if (!session_) {
            if (tls_) {
                tls_->beginHandshake();
                auto s = std::make_unique<RawSession<Poco::Net::HTTPSClientSession>>(host_, port_,
                                                                                    tls_->context());
                raw_ = s.get();
                session_ = std::move(s);
            } else {
                auto s = std::make_unique<RawSession<Poco::Net::HTTPClientSession>>(host_, port_);
                raw_ = s.get();
                session_ = std::move(s);
            }
            session_->setKeepAlive(true);
            // Idle connections are retired by kMaxIdle above, visibly; Poco's own
            // silent reconnect would hide them from the connection count.
            session_->setKeepAliveTimeout(Poco::Timespan(3600, 0));
            ++connectionsOpened_;
        }
        limitSocketWait(deadline);
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        request.set("Accept", "application/json");
        request.set("Accept-Encoding", "gzip");
        request.set("User-Agent", "intouch-sync/0.1");
        if (!authorization.empty()) request.set("Authorization", authorization);
        session_->sendRequest(request);
        if (tls_) tls_->warnIfAcceptedInsecurely();

        phase = Phase::Headers;
        limitSocketWait(deadline);
        Poco::Net::HTTPResponse response;
        session_->receiveResponse(response);
        HttpResponse out;
        out.status = static_cast<int>(response.getStatus());
        out.reason = response.getReason();
        for (const auto& [name, value] : response) out.headers[lower(name)] = value;

        // A page is parsed whole or not at all: the body is read completely (its
        // framing checked: Content-Length or the chunked end marker) before anything
        // looks at it, and never beyond source.max_response_bytes.
        phase = Phase::Body;
        const std::string encoding = lower(out.header("content-encoding") ? *out.header("content-encoding") : "");
        const bool gzip = encoding == "gzip" || encoding == "x-gzip";
        if (!gzip && !encoding.empty() && encoding != "identity") {
            session_.reset();
            throw TransportError(what + ": unsupported Content-Encoding '" + encoding +
                                     "' (only gzip was offered)",
                                 TransportError::Kind::CorruptBody);
        }
        BodyDecoder body(what, gzip, config_.maxResponseBytes);
        const bool noBody = out.status == 204 || out.status == 304 || (out.status >= 100 && out.status < 200);
        if (!noBody) {
            const std::int64_t length = response.hasContentLength() ? response.getContentLength64() : -1;
            readBody(what, response.getChunkedTransferEncoding(), length, body, deadline);
            // Without a length or chunks the body ends with the connection.
            if (!response.getChunkedTransferEncoding() && length < 0) session_.reset();
        }
        out.wireBytes = body.wireBytes();
        out.body = body.finish();
        if (session_ && !response.getKeepAlive()) session_.reset();
        if (log::enabled(log::Level::Debug))
            log::debug("http exchange",
                       {{"request", what},
                        {"status", std::to_string(out.status)},
                        {"connection", reused ? "reused" : "new"},
                        {"encoding", encoding.empty() ? "identity" : encoding},
                        {"wire_bytes", std::to_string(out.wireBytes)},
                        {"body_bytes", std::to_string(out.body.size())},
                        {"ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  Clock::now() - started)
                                                  .count())}});
        return out;
    } catch (const TransportError&) {
        session_.reset();
        throw;
    } catch (const Poco::TimeoutException& e) {
        session_.reset();
        if (secondsLeft(deadline) <= 0.001)
            throw TransportError(what + ": no complete answer within " +
                                     seconds(config_.requestTimeoutSeconds) +
                                     " s (source.request_timeout_seconds)",
                                 TransportError::Kind::Timeout);
        const bool connecting = phase == Phase::Connect;
        throw TransportError(what + ": timed out " + describe(phase) + " (source." +
                                 (connecting ? "connect_timeout_seconds " + seconds(config_.connectTimeoutSeconds)
                                             : "read_timeout_seconds " + seconds(config_.readTimeoutSeconds)) +
                                 ")",
                             TransportError::Kind::Timeout);
    } catch (const Poco::Exception& e) {
        session_.reset();
        if (tls_ && phase == Phase::Connect) {
            if (tls_->isCertificateFailure(e))
                throw TransportError(tls_->describeCertificateFailure(e) + " -- " + what,
                                     TransportError::Kind::Tls);
            if (dynamic_cast<const Poco::Net::SSLException*>(&e) && !isUnexpectedClose(e))
                throw TransportError("TLS handshake with " + host_ + ":" + std::to_string(port_) +
                                         " failed: " + e.displayText() +
                                         " (does it serve HTTPS there, with TLS 1.2 or newer?) -- " +
                                         what,
                                     TransportError::Kind::Tls);
        }
        // Nothing came back on a connection that served earlier requests: the
        // server closed it while idle. Not a fault of this request.
        if (reused && (phase == Phase::Send || phase == Phase::Headers))
            throw TransportError(what + ": kept-alive connection was closed by the server (" +
                                     e.displayText() + ")",
                                 TransportError::Kind::StaleConnection);
        throw TransportError(what + ": " + e.displayText() + " (" + describe(phase) + ")",
                             TransportError::Kind::Network);
    } catch (const std::ios_base::failure& e) {
        session_.reset();
        throw TransportError(what + ": " + e.what() + " (" + describe(phase) + ")",
                             TransportError::Kind::Network);
    }
}

}  // namespace intouch
