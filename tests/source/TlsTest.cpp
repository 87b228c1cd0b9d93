// TLS against the simulator serving HTTPS with certificates made at run time: the CA file
// makes a private CA trusted; an expired, a self-signed and a wrong-host certificate are
// each refused at once (exit 5, no retries) with a message naming the host and the reason;
// insecure_skip_verify connects anyway but says so loudly.

#include <gtest/gtest.h>

#include <iostream>
#include <memory>

#include "Certificates.hpp"
#include "SourceWorld.hpp"
#include "support/PgQuery.hpp"

using namespace intouch::srctest;

namespace {

class Tls : public ::testing::Test {
protected:
    static void SetUpTestSuite() { certs_ = std::make_unique<TestCertificates>(); }
    static void TearDownTestSuite() { certs_.reset(); }

    static std::vector<std::string> serving(const CertificatePair& pair) {
        return {"--records", "20", "--tls-cert", pair.cert.string(), "--tls-key", pair.key.string()};
    }
    static std::string caLine() { return "ca_file: \"" + certs_->caCert().string() + "\""; }

    // `check` reaches PostgreSQL first, then the CRM's /api/about over TLS.
    static RunResult check(SourceWorld& world, const std::vector<std::string>& sourceLines,
                           const std::optional<std::string>& url = std::nullopt) {
        std::vector<std::string> lines = {"requests_per_second: 1000", "initial_backoff_seconds: 0.2",
                                          "max_attempts: 4"};
        lines.insert(lines.end(), sourceLines.begin(), sourceLines.end());
        world.writeConfig(lines, url);
        RunResult r = world.run({"check"});
        std::cout << "[" << ::testing::UnitTest::GetInstance()->current_test_info()->name() << "] "
                  << r.describe() << std::endl;
        return r;
    }

    // A refused certificate: exit 5 at once, naming the host and the reason, no retry.
    static void expectRefused(const RunResult& r, const std::string& reason) {
        EXPECT_EQ(r.exitCode, 5) << r.describe();
        EXPECT_NE(r.stderrText.find("TLS certificate of 127.0.0.1 refused"), std::string::npos)
            << r.describe();
        EXPECT_NE(r.stderrText.find(reason), std::string::npos) << r.describe();
        EXPECT_EQ(r.stderrText.find("retrying"), std::string::npos)
            << "a refused certificate must not be retried\n" << r.describe();
        EXPECT_LT(r.seconds, 10.0);
    }

    static std::unique_ptr<TestCertificates> certs_;
};

std::unique_ptr<TestCertificates> Tls::certs_;

}  // namespace

TEST_F(Tls, PrivateCaFromCaFileIsTrusted) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->good()));
    ASSERT_TRUE(world.sim().isHttps());
    RunResult r = check(world, {caLine()});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.stdoutText.find("crm: "), std::string::npos) << r.describe();

    // A whole sync over TLS, by host name this time (the certificate names localhost too).
    const std::string byName = "https://localhost:" + std::to_string(world.sim().port()) + "/api";
    world.writeConfig({caLine(), "requests_per_second: 1000"}, byName);
    RunResult s = world.run({"sync", "--stream", "stores"});
    EXPECT_EQ(s.exitCode, 0) << s.describe();
    EXPECT_EQ(tableHashes(world.dsn(), "stores"), dumpHashes(world.sim(), "stores"));
}

TEST_F(Tls, PrivateCaWithoutCaFileIsAnUnknownAuthority) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->good()));
    expectRefused(check(world, {}), "unknown certificate authority (CN=intouch test CA)");
}

TEST_F(Tls, ExpiredCertificateIsRefused) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->expired()));
    RunResult r = check(world, {caLine()});
    expectRefused(r, "the certificate has expired");
    EXPECT_NE(r.stderrText.find("valid until 2020-01-02 00:00:00 UTC"), std::string::npos) << r.describe();
}

TEST_F(Tls, SelfSignedCertificateIsRefused) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->selfSigned()));
    expectRefused(check(world, {caLine()}), "the certificate is self-signed");
}

TEST_F(Tls, CertificateForAnotherHostIsRefused) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->wrongHost()));
    RunResult r = check(world, {caLine()});
    expectRefused(r, "not valid for host 127.0.0.1");
    EXPECT_NE(r.stderrText.find("wrong.example.com"), std::string::npos) << r.describe();
}

TEST_F(Tls, InsecureSkipVerifyConnectsButWarnsLoudly) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world(serving(certs_->selfSigned()));
    RunResult r = check(world, {"insecure_skip_verify: true"});
    EXPECT_EQ(r.exitCode, 0) << r.describe();
    EXPECT_NE(r.stderrText.find("WARN TLS CERTIFICATE VERIFICATION IS DISABLED"), std::string::npos)
        << r.describe();
    EXPECT_NE(r.stderrText.find("NOT verified and accepted anyway"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("self-signed"), std::string::npos) << r.describe();
}

TEST_F(Tls, PlainHttpServerBehindAnHttpsUrlIsAHandshakeFailure) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world({"--records", "20"});
    const std::string url = "https://127.0.0.1:" + std::to_string(world.sim().port()) + "/api";
    RunResult r = check(world, {caLine()}, url);
    EXPECT_EQ(r.exitCode, 5) << r.describe();
    EXPECT_NE(r.stderrText.find("TLS handshake with 127.0.0.1:" + std::to_string(world.sim().port()) +
                                " failed"),
              std::string::npos)
        << r.describe();
    EXPECT_EQ(r.stderrText.find("retrying"), std::string::npos) << r.describe();
}
