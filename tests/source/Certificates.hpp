#pragma once
// Certificates for the TLS tests, made at run time with the openssl CLI in a temporary
// directory (no key is ever committed): a test CA, and server certificates that are good
// (127.0.0.1 and localhost, signed by the CA), expired, for another host, and self-signed.

#include <filesystem>

#include "support/TempDirectory.hpp"

namespace intouch::srctest {

struct CertificatePair {
    std::filesystem::path cert;
    std::filesystem::path key;
};

class TestCertificates {
public:
    // Generates everything; throws std::runtime_error with openssl's output on failure.
    TestCertificates();

    const std::filesystem::path& caCert() const { return caCert_; }
    const CertificatePair& good() const { return good_; }            // CA-signed, 127.0.0.1 + localhost
    const CertificatePair& expired() const { return expired_; }      // CA-signed, expired in 2020
    const CertificatePair& wrongHost() const { return wrongHost_; }  // CA-signed, for wrong.example.com
    const CertificatePair& selfSigned() const { return selfSigned_; }  // 127.0.0.1, no CA

private:
    intouch::testsupport::TempDirectory dir_;
    std::filesystem::path caCert_;
    CertificatePair good_, expired_, wrongHost_, selfSigned_;
};

}  // namespace intouch::srctest
