#include "source/HttpTransport.hpp"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <sstream>

#include "common/Errors.hpp"
#include "common/Log.hpp"

namespace intouch {

namespace {

Poco::Timespan seconds(double s) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(s * 1e6));
}

void initializeSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

struct HttpTransport::Tls {
    Poco::Net::Context::Ptr context;
};

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
    if (scheme_ == "https") {
        initializeSslOnce();
        tls_ = std::make_unique<Tls>();
        Poco::Net::Context::Params params;
        params.verificationMode = config.insecureSkipVerify ? Poco::Net::Context::VERIFY_NONE
                                                            : Poco::Net::Context::VERIFY_RELAXED;
        params.loadDefaultCAs = true;
        params.caLocation = config.caFile;
        params.verificationDepth = 9;
        params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:@STRENGTH";
        try {
            tls_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        } catch (const Poco::Exception& e) {
            throw ConfigError("cannot set up TLS (source.ca_file '" + config.caFile +
                              "'?): " + e.displayText());
        }
        tls_->context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        tls_->context->enableExtendedCertificateVerification(!config.insecureSkipVerify);
        // Without a handler Poco would ask on the console; a failed verification
        // must fail the connection instead.
        if (config.insecureSkipVerify) {
            tls_->context->setInvalidCertificateHandler(
                new Poco::Net::AcceptCertificateHandler(false));
            log::warn("TLS certificate verification is DISABLED (source.insecure_skip_verify); "
                      "use this for testing only",
                      {{"host", host_}});
        } else {
            tls_->context->setInvalidCertificateHandler(
                new Poco::Net::RejectCertificateHandler(false));
        }
    }
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::reset() { session_.reset(); }

void HttpTransport::connect() {
    if (tls_) {
        session_ = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, tls_->context);
    } else {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    }
    session_->setKeepAlive(true);
    session_->setTimeout(seconds(config_.connectTimeoutSeconds), seconds(config_.readTimeoutSeconds),
                         seconds(config_.readTimeoutSeconds));
}

HttpResponse HttpTransport::get(const std::string& pathAndQuery, const std::string& authorization) {
    // A kept-alive connection the server closed while idle fails on first use;
    // that is not a fault of the request, so one silent reconnect is allowed.
    for (int attempt = 0;; ++attempt) {
        bool reused = session_ != nullptr;
        if (!session_) connect();
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, pathAndQuery,
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            request.set("Accept", "application/json");
            request.set("Accept-Encoding", "gzip");
            request.set("User-Agent", "intouch-sync/0.1");
            if (!authorization.empty()) request.set("Authorization", authorization);
            session_->sendRequest(request);

            Poco::Net::HTTPResponse response;
            std::istream& in = session_->receiveResponse(response);
            HttpResponse out;
            out.status = static_cast<int>(response.getStatus());
            out.reason = response.getReason();
            for (const auto& [name, value] : response) out.headers[lower(name)] = value;

            std::string raw;
            Poco::StreamCopier::copyToString(in, raw);
            out.wireBytes = raw.size();
            if (response.hasContentLength() &&
                static_cast<std::streamsize>(raw.size()) != response.getContentLength64()) {
                session_.reset();
                throw TransportError("GET " + pathAndQuery + ": connection closed after " +
                                         std::to_string(raw.size()) + " of " +
                                         std::to_string(response.getContentLength64()) +
                                         " body bytes",
                                     true);
            }
            auto enc = out.headers.find("content-encoding");
            if (enc != out.headers.end() && lower(enc->second) == "gzip") {
                std::istringstream compressed(raw);
                Poco::InflatingInputStream inflater(compressed,
                                                    Poco::InflatingStreamBuf::STREAM_GZIP);
                try {
                    Poco::StreamCopier::copyToString(inflater, out.body);
                } catch (const Poco::Exception& e) {
                    throw TransportError("GET " + pathAndQuery + ": corrupt gzip body: " +
                                             e.displayText(),
                                         true);
                }
            } else {
                out.body = std::move(raw);
            }
            if (!response.getKeepAlive()) session_.reset();
            return out;
        } catch (const TransportError&) {
            session_.reset();
            throw;
        } catch (const Poco::Net::SSLException& e) {
            session_.reset();
            throw TransportError("TLS connection to " + host_ + " failed: " + e.displayText(),
                                 false);
        } catch (const Poco::TimeoutException& e) {
            session_.reset();
            throw TransportError("GET " + pathAndQuery + ": timed out: " + e.displayText(), true);
        } catch (const Poco::Exception& e) {
            session_.reset();
            if (reused && attempt == 0) continue;
            throw TransportError("GET " + origin_ + pathAndQuery + ": " + e.displayText(), true);
        } catch (const std::ios_base::failure& e) {
            session_.reset();
            if (reused && attempt == 0) continue;
            throw TransportError("GET " + origin_ + pathAndQuery + ": " + e.what(), true);
        }
    }
}

}  // namespace intouch
