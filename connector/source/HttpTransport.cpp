#include "source/HttpTransport.hpp"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "common/Errors.hpp"
#include "common/Log.hpp"
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

}  // namespace

bool isLoopbackHost(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
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
                session_ = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, tls_->context());
            } else {
                session_ = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
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
        std::istream& in = session_->receiveResponse(response);
        HttpResponse out;
        out.status = static_cast<int>(response.getStatus());
        out.reason = response.getReason();
        for (const auto& [name, value] : response) out.headers[lower(name)] = value;

        // A page is parsed whole or not at all: the body is read completely
        // (and checked against Content-Length) before anything looks at it.
        phase = Phase::Body;
        in.exceptions(std::ios::badbit);  // let Poco's network exceptions through
        std::string raw;
        std::vector<char> chunk(64 * 1024);
        for (;;) {
            limitSocketWait(deadline);
            if (in.peek() == std::char_traits<char>::eof()) break;  // one socket read at most
            raw.append(chunk.data(), static_cast<std::size_t>(in.readsome(chunk.data(),
                                                                         static_cast<std::streamsize>(chunk.size()))));
        }
        out.wireBytes = raw.size();
        if (response.hasContentLength() &&
            static_cast<std::streamsize>(raw.size()) != response.getContentLength64()) {
            session_.reset();
            throw TransportError(what + ": the connection closed after " + std::to_string(raw.size()) +
                                     " of " + std::to_string(response.getContentLength64()) +
                                     " body bytes",
                                 TransportError::Kind::Network);
        }
        const std::string encoding = lower(out.header("content-encoding") ? *out.header("content-encoding") : "");
        if (encoding == "gzip" || encoding == "x-gzip") {
            std::istringstream compressed(raw);
            Poco::InflatingInputStream inflater(compressed, Poco::InflatingStreamBuf::STREAM_GZIP);
            try {
                Poco::StreamCopier::copyToString(inflater, out.body);
            } catch (const Poco::Exception& e) {
                session_.reset();
                throw TransportError(what + ": corrupt gzip body: " + e.displayText(),
                                     TransportError::Kind::CorruptBody);
            }
        } else if (encoding.empty() || encoding == "identity") {
            out.body = std::move(raw);
        } else {
            session_.reset();
            throw TransportError(what + ": unsupported Content-Encoding '" + encoding +
                                     "' (only gzip was offered)",
                                 TransportError::Kind::CorruptBody);
        }
        if (!response.getKeepAlive()) session_.reset();
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
