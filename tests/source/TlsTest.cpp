// TLS against the simulator serving HTTPS with certificates made at run time: the CA file
// makes a private CA trusted; an expired, a self-signed and a wrong-host certificate are
// each refused at once (exit 5, no retries) with a message naming the host and the reason;
// insecure_skip_verify connects anyway but says so loudly.

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>

#include "Certificates.hpp"
#include "SourceWorld.hpp"
#include "source/ApiClient.hpp"
#include "source/HttpTransport.hpp"
#include "source/PageFetcher.hpp"
#include "support/PgQuery.hpp"
#include "support/PostgresInstance.hpp"

using namespace intouch::srctest;

namespace {

class Tls : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { certs_ = std::make_unique<TestCertificates>(); }
    static void TearDownTestSuite() { certs_.reset(); }

    static std::vector<std::string> serving(const CertificatePair& pair) {
        return {"--records",        "20",        "--tls-cert",
                pair.cert.string(), "--tls-key", pair.key.string()};
    }
    static std::string caLine() { return "ca_file: \"" + certs_->caCert().string() + "\""; }

    // `check` reaches PostgreSQL first, then the CRM's /api/about over TLS.
    static RunResult check(SourceWorld& world, const std::vector<std::string>& sourceLines,
                           const std::optional<std::string>& url = std::nullopt) {
        std::vector<std::string> lines = {"requests_per_second: 1000",
                                          "initial_backoff_seconds: 0.2", "max_attempts: 4"};
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
            << "a refused certificate must not be retried\n"
            << r.describe();
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
    EXPECT_NE(r.stderrText.find("valid until 2020-01-02 00:00:00 UTC"), std::string::npos)
        << r.describe();
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
    EXPECT_NE(r.stderrText.find("NOT verified and accepted anyway"), std::string::npos)
        << r.describe();
    EXPECT_NE(r.stderrText.find("self-signed"), std::string::npos) << r.describe();
}

// A plain-HTTP endpoint answers the TLS ClientHello with an HTTP error, as nginx or a
// load balancer does. (The simulator is not used here: Poco's HTTP server sometimes waits
// for the end of a request line that random handshake bytes never contain, and then
// closes silently after its own timeout, which is a different failure.)
class PlainHttpResponder {
  public:
    PlainHttpResponder() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~PlainHttpResponder() {
        stop_ = true;
        thread_.join();
    }
    int port() const { return socket_.address().port(); }

  private:
    void serve() {
        while (!stop_) {
            if (!socket_.poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket peer = socket_.acceptConnection();
            char buf[4096];
            peer.setReceiveTimeout(Poco::Timespan(2, 0));
            try {
                peer.receiveBytes(buf, sizeof buf);
                const std::string answer =
                    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                peer.sendBytes(answer.data(), static_cast<int>(answer.size()));
                peer.shutdownSend();
            } catch (const Poco::Exception&) {
                // The client went away first; nothing to answer.
            }
            peer.close();
        }
    }

    Poco::Net::ServerSocket socket_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

TEST_F(Tls, PlainHttpServerBehindAnHttpsUrlIsAHandshakeFailure) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world({"--records", "20"});
    PlainHttpResponder plain;
    const std::string url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/api";
    RunResult r = check(world, {caLine()}, url);
    EXPECT_EQ(r.exitCode, 5) << r.describe();
    EXPECT_NE(r.stderrText.find("TLS handshake with 127.0.0.1:" + std::to_string(plain.port()) +
                                " failed"),
              std::string::npos)
        << r.describe();
    EXPECT_NE(r.stderrText.find("does it serve HTTPS there"), std::string::npos) << r.describe();
    EXPECT_EQ(r.stderrText.find("retrying"), std::string::npos) << r.describe();
    EXPECT_LT(r.seconds, 10.0) << r.describe();
}

// The connection behaviour proven over plain HTTP elsewhere holds over TLS too: one
// kept-alive connection for many requests, gzip, and a read timeout of the configured length
// (Poco waits twice the socket timeout on a TLS socket; the transport compensates).
TEST_F(Tls, KeepAliveGzipAndReadTimeoutHoldOverTls) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim(
        {.args = {"--records", "300", "--tls-cert", certs_->good().cert.string(), "--tls-key",
                  certs_->good().key.string()}});
    intouch::SourceConfig c;
    c.url = sim.baseUrl();
    c.username = "api";
    c.password = "secret";
    c.caFile = certs_->caCert().string();
    c.maxRequestsPerSecond = 1000;
    {
        intouch::ApiClient client(c);
        intouch::PageFetcher fetcher(client);
        fetcher.about();
        for (int position = 0; position < 300; position += 100) {
            intouch::PageRequest page;
            page.endpoint = "parties";
            page.position = position;
            page.size = 100;
            EXPECT_EQ(fetcher.page(page).items.size(), 100u);
        }
        EXPECT_EQ(client.stats().requests, 4);
        EXPECT_EQ(client.stats().connections, 1);
    }

    intouch::HttpTransport transport(c);
    intouch::HttpResponse r = transport.get("/api/parties?size=300", "Basic YXBpOnNlY3JldA==");
    ASSERT_EQ(r.status, 200);
    ASSERT_NE(r.header("content-encoding"), nullptr);
    EXPECT_EQ(*r.header("content-encoding"), "gzip");
    EXPECT_LT(r.wireBytes * 2, r.body.size());

    setKnobs(sim, "fault_slow=1&slow_ms=2000");
    c.readTimeoutSeconds = 0.5;
    intouch::HttpTransport slow(c);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        slow.get("/api/about", "");
        FAIL() << "expected a read timeout";
    } catch (const intouch::TransportError& e) {
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << "[tls read timeout 0.5 s] after " << took << " s: " << e.what() << std::endl;
        EXPECT_EQ(e.kind(), intouch::TransportError::Kind::Timeout);
        EXPECT_GE(took, 0.45);
        EXPECT_LT(took, 0.8) << "the read timeout over TLS must not double";
    }
}

// TLS 1.2 is the floor: a server offering only TLS 1.1 is refused during the handshake for
// the protocol version (OpenSSL's own defaults here would negotiate TLS 1.1 and only fail
// later on a legacy signature algorithm), and not retried.
TEST_F(Tls, ServerLimitedToTls11IsRefused) {
    ts::TempDirectory logs("intouch-s-server");
    const int port = ts::pickFreeTcpPort();
    ts::ChildProcess server(ts::ProcessSpec{
        .executable = "openssl",
        .args = {"s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                 certs_->selfSigned().cert.string(), "-key", certs_->selfSigned().key.string(),
                 "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-www"},
        .outputDir = logs.path(),
        .name = "s_server"});
    ASSERT_TRUE(server.waitForLinePrefix("ACCEPT", std::chrono::seconds(10)))
        << "openssl s_server did not start: " << server.stderrText();

    intouch::SourceConfig c;
    c.url = "https://127.0.0.1:" + std::to_string(port) + "/api";
    c.username = "api";
    c.password = "secret";
    c.insecureSkipVerify = true;  // only the protocol version is on trial here
    intouch::HttpTransport transport(c);
    try {
        transport.get("/api/about", "");
        FAIL() << "a TLS 1.1 server was accepted";
    } catch (const intouch::TransportError& e) {
        std::cout << "[tls 1.1 server] " << e.what() << std::endl;
        EXPECT_EQ(e.kind(), intouch::TransportError::Kind::Tls);
        EXPECT_FALSE(e.retryable());
        EXPECT_NE(std::string(e.what()).find("protocol version"), std::string::npos) << e.what();
    }
    server.terminate();
    server.wait(std::chrono::seconds(5));
}
