#include "source/TlsClientContext.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/InvalidCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/VerificationErrorArgs.h>
#include <Poco/Net/X509Certificate.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <mutex>

#include "common/Errors.hpp"
#include "common/Log.hpp"

namespace intouch {

namespace {

void initializeSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

std::string utc(const Poco::DateTime& t) {
    return Poco::DateTimeFormatter::format(t, "%Y-%m-%d %H:%M:%S UTC");
}

// DNS names and IP addresses from subjectAltName (what X509_check_host uses),
// falling back to the common name; for "not valid for host" messages.
std::string certificateNames(const Poco::Net::X509Certificate& cert) {
    std::string out;
    auto add = [&](const std::string& n) { out += (out.empty() ? "" : ", ") + n; };
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert.certificate(), NID_subject_alt_name, nullptr, nullptr));
    if (names) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
            const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
            if (n->type == GEN_DNS) {
                const auto* s = n->d.dNSName;
                add(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                static_cast<std::size_t>(ASN1_STRING_length(s))));
            } else if (n->type == GEN_IPADD) {
                const auto* s = n->d.iPAddress;
                const int len = ASN1_STRING_length(s);
                if (len == 4 || len == 16) {
                    Poco::Net::IPAddress ip(ASN1_STRING_get0_data(s), static_cast<unsigned>(len));
                    add(ip.toString());
                }
            }
        }
        GENERAL_NAMES_free(names);
    }
    if (out.empty()) add("CN=" + cert.commonName());
    return out;
}

std::string bareHost(std::string host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host;
}

}  // namespace

// Receives OpenSSL's verification complaints for *this* context only and keeps
// the first one. Poco also broadcasts every complaint to every handler in the
// process (SSLManager::ClientVerificationError), so foreign contexts are ignored.
class TlsClientContext::Recorder : public Poco::Net::InvalidCertificateHandler {
public:
    explicit Recorder(bool accept) : Poco::Net::InvalidCertificateHandler(false), accept_(accept) {}

    void setOwner(const Poco::Net::Context* owner) { owner_ = owner; }

    void onInvalidCertificate(const void*, Poco::Net::VerificationErrorArgs& args) override {
        if (args.context().get() != owner_) return;
        std::lock_guard lock(mutex_);
        if (!problem_) {
            CertificateProblem p;
            p.x509Error = args.errorNumber();
            p.opensslText = args.errorMessage();
            p.depth = args.errorDepth();
            const auto& cert = args.certificate();
            p.subject = cert.subjectName();
            p.issuer = cert.issuerName();
            p.validFrom = utc(cert.validFrom());
            p.validUntil = utc(cert.expiresOn());
            p.names = certificateNames(cert);
            problem_ = std::move(p);
        }
        args.setIgnoreError(accept_);
    }

    void clear() {
        std::lock_guard lock(mutex_);
        problem_.reset();
    }

    std::optional<CertificateProblem> problem() const {
        std::lock_guard lock(mutex_);
        return problem_;
    }

private:
    const bool accept_;
    const Poco::Net::Context* owner_ = nullptr;
    mutable std::mutex mutex_;
    std::optional<CertificateProblem> problem_;
};

std::string explainCertificateProblem(const CertificateProblem& p, const std::string& host) {
    const std::string who = p.subject.empty() ? "" : p.subject;
    switch (p.x509Error) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "the certificate has expired (" + who + ", valid until " + p.validUntil + ")";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "the certificate is not valid yet (" + who + ", valid from " + p.validFrom +
                   "; is this machine's clock right?)";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "the certificate is self-signed (" + who +
                   ") and not trusted; if it is the right one, put it into source.ca_file";
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "the certificate (" + who + ") was issued by an unknown certificate authority (" +
                   p.issuer +
                   ") that is neither in the system store nor in source.ca_file";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
        case X509_V_ERR_APPLICATION_VERIFICATION:
            return "the certificate is not valid for host " + host + " (it is for: " + p.names +
                   ")";
        case X509_V_ERR_CERT_REVOKED:
            return "the certificate has been revoked (" + who + ")";
        default:
            return "certificate verification failed: " + p.opensslText + " (" + who +
                   ", error " + std::to_string(p.x509Error) + " at depth " +
                   std::to_string(p.depth) + ")";
    }
}

TlsClientContext::TlsClientContext(const SourceConfig& config, const std::string& host)
    : host_(bareHost(host)), insecure_(config.insecureSkipVerify), caFile_(config.caFile) {
    initializeSslOnce();
    Poco::Net::Context::Params params;
    // VERIFY_STRICT rather than RELAXED: for a client OpenSSL treats them alike,
    // but Poco skips its host-name check for loopback hosts unless STRICT, and the
    // tests (and an SSH tunnel in production) reach the CRM over 127.0.0.1.
    params.verificationMode =
        insecure_ ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = true;  // the system store, on top of source.ca_file
    params.caLocation = config.caFile;
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:@STRENGTH";
    try {
        context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot set up TLS with source.ca_file '" + config.caFile +
                          "': " + e.displayText());
    }
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context_->enableExtendedCertificateVerification(!insecure_);

    // The host name is also checked by OpenSSL during the chain verification, so
    // a mismatch reaches the recorder with the certificate's names (Poco's own
    // post-handshake check only says "application verification failure").
    X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(context_->sslContext());
    X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    Poco::Net::IPAddress ip;
    const bool isIp = Poco::Net::IPAddress::tryParse(host_, ip);
    const int ok = isIp ? X509_VERIFY_PARAM_set1_ip_asc(verify, host_.c_str())
                        : X509_VERIFY_PARAM_set1_host(verify, host_.c_str(), host_.size());
    if (ok != 1) throw ConfigError("cannot check TLS certificates for host '" + host_ + "'");

    // Without a handler Poco would ask on the console; a failed verification must
    // fail the connection instead (or, in insecure mode, be accepted and reported).
    auto* recorder = new Recorder(insecure_);
    recorder->setOwner(context_.get());
    context_->setInvalidCertificateHandler(Poco::Net::Context::InvalidCertificateHandlerPtr(recorder));
    recorder_ = recorder;
    if (insecure_)
        log::warn("TLS CERTIFICATE VERIFICATION IS DISABLED (source.insecure_skip_verify: true): "
                  "anyone between this machine and the CRM can read the API password and the "
                  "data; use this for testing only",
                  {{"host", host_}});
}

TlsClientContext::~TlsClientContext() = default;

void TlsClientContext::beginHandshake() { recorder_->clear(); }

std::optional<CertificateProblem> TlsClientContext::lastProblem() const {
    return recorder_->problem();
}

bool TlsClientContext::isCertificateFailure(const Poco::Exception& e) const {
    if (insecure_) return false;
    if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e)) return true;
    if (dynamic_cast<const Poco::Net::InvalidCertificateException*>(&e)) return true;
    return recorder_->problem().has_value();
}

std::string TlsClientContext::describeCertificateFailure(const Poco::Exception& e) const {
    std::string reason;
    if (auto p = recorder_->problem()) {
        reason = explainCertificateProblem(*p, host_);
    } else if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e)) {
        // Poco's post-handshake host check, in case OpenSSL's did not run.
        reason = "the certificate is not valid for host " + host_ + " (" + e.displayText() + ")";
    } else {
        reason = e.displayText();
    }
    std::string msg = "TLS certificate of " + host_ + " refused: " + reason;
    if (!caFile_.empty()) msg += " [trusted: system store + " + caFile_ + "]";
    return msg;
}

void TlsClientContext::warnIfAcceptedInsecurely() {
    if (!insecure_) return;
    if (auto p = recorder_->problem()) {
        log::warn("TLS certificate NOT verified and accepted anyway (source.insecure_skip_verify)",
                  {{"host", host_}, {"would_refuse_because", explainCertificateProblem(*p, host_)}});
        recorder_->clear();
    }
}

}  // namespace intouch
