#pragma once
// The TLS side of the connection to the CRM: a Poco context that verifies the
// certificate chain (system store plus source.ca_file) and the host name, TLS 1.2
// or newer, and the bookkeeping needed to say *why* a certificate was refused.
// OpenSSL only reports "certificate verify failed"; an operator needs "expired
// on ...", "issued by an unknown CA ..." or "not valid for host ...".

#include <Poco/Net/Context.h>

#include <optional>
#include <string>

#include "source/SourceConfig.hpp"

namespace Poco {
class Exception;
}

namespace intouch {

// What OpenSSL disliked about the peer's certificate (the first problem found).
struct CertificateProblem {
    int x509Error = 0;         // X509_V_ERR_*
    std::string opensslText;   // X509_verify_cert_error_string
    int depth = 0;             // 0 = the server's own certificate
    std::string subject;       // e.g. "CN=127.0.0.1"
    std::string issuer;
    std::string validFrom;     // "2024-01-01 00:00:00 UTC"
    std::string validUntil;
    std::string names;         // names the certificate is valid for, e.g. "127.0.0.1, localhost"
};

// One line naming the reason, e.g. "the certificate has expired (CN=x, valid until ...)".
// Pure, so every X509 error has a unit-tested wording.
std::string explainCertificateProblem(const CertificateProblem& problem, const std::string& host);

class TlsClientContext {
public:
    // Throws ConfigError when the CA file cannot be loaded.
    TlsClientContext(const SourceConfig& config, const std::string& host);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext&) = delete;
    TlsClientContext& operator=(const TlsClientContext&) = delete;

    Poco::Net::Context::Ptr context() const { return context_; }

    // Forgets what the previous handshake recorded; call before each new connection.
    void beginHandshake();
    // The certificate problem of the last handshake, if verification complained.
    std::optional<CertificateProblem> lastProblem() const;

    // True when `e`, thrown while connecting, means the certificate was refused.
    bool isCertificateFailure(const Poco::Exception& e) const;
    // "TLS certificate of HOST refused: <reason> (hint)"; for certificate failures.
    std::string describeCertificateFailure(const Poco::Exception& e) const;

    // In insecure mode: warns (once per connection) about what verification would
    // have refused, so "it works" never hides an expired or foreign certificate.
    void warnIfAcceptedInsecurely();

private:
    class Recorder;
    std::string host_;
    bool insecure_;
    std::string caFile_;
    Poco::Net::Context::Ptr context_;
    Recorder* recorder_ = nullptr;  // owned by context_ (its certificate handler)
};

}  // namespace intouch
