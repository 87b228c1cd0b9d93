// The connection itself, driven in-process against the real simulator: keep-alive across
// pages, transparent reconnection after the server closed the connection, gzip on the wire,
// and the three timeouts (connect, read, whole request).

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "SourceWorld.hpp"
#include "common/Errors.hpp"
#include "source/ApiClient.hpp"
#include "source/HttpTransport.hpp"
#include "source/PageFetcher.hpp"
#include "support/PostgresInstance.hpp"

using namespace intouch;
using namespace intouch::srctest;

namespace {

SourceConfig configFor(const ts::SimulatorProcess& sim) {
    SourceConfig c;
    c.url = sim.baseUrl();
    c.username = "api";
    c.password = "secret";
    c.maxRequestsPerSecond = 1000;
    c.initialBackoffSeconds = 0.01;
    c.maxBackoffSeconds = 0.05;
    return c;
}

std::string basicApiSecret() { return "Basic YXBpOnNlY3JldA=="; }  // api:secret

PageRequest parties(std::int64_t position, int size) {
    PageRequest r;
    r.endpoint = "parties";
    r.position = position;
    r.size = size;
    return r;
}

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST(Transport, KeepAliveServesEveryPageOnOneConnection) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "300"}});
    ApiClient client(configFor(sim));
    PageFetcher fetcher(client);
    fetcher.about();
    std::size_t items = 0;
    for (int position = 0; position < 300; position += 50)
        items += fetcher.page(parties(position, 50)).items.size();
    EXPECT_EQ(items, 300u);
    EXPECT_EQ(client.stats().requests, 7);
    EXPECT_EQ(client.stats().connections, 1) << "every request should reuse the first connection";
    EXPECT_EQ(simStats(sim).requests, 7);
}

TEST(Transport, ReconnectsTransparentlyAfterTheServerClosedTheConnection) {
    INTOUCH_REQUIRE_SIMULATOR();
    const int port = ts::pickFreeTcpPort();
    auto sim = std::make_unique<ts::SimulatorProcess>(
        ts::SimulatorOptions{.args = {"--records", "20", "--port", std::to_string(port)}});
    ApiClient client(configFor(*sim));
    PageFetcher fetcher(client);
    EXPECT_EQ(fetcher.page(parties(0, 10)).items.size(), 10u);

    // A restart aborts every open connection: the client's kept-alive one is now dead.
    sim.reset();
    sim = std::make_unique<ts::SimulatorProcess>(
        ts::SimulatorOptions{.args = {"--records", "20", "--port", std::to_string(port)}});

    EXPECT_EQ(fetcher.page(parties(10, 10)).items.size(), 10u);
    EXPECT_EQ(client.stats().retries, 0) << "a closed idle connection is not a failed request";
    EXPECT_EQ(client.stats().reconnects, 1);
    EXPECT_EQ(client.stats().connections, 2);
    EXPECT_EQ(simStats(*sim).requests, 1) << "the new server saw exactly the one request";
}

TEST(Transport, AsksForGzipAndDecodesIt) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "1000"}});
    HttpTransport transport(configFor(sim));
    HttpResponse r = transport.get("/api/parties?size=1000", basicApiSecret());
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
    ASSERT_NE(r.header("content-encoding"), nullptr) << "the simulator did not compress";
    EXPECT_EQ(*r.header("content-encoding"), "gzip");
    std::cout << "[gzip] " << r.wireBytes << " bytes on the wire, " << r.body.size()
              << " decoded (" << (100.0 * static_cast<double>(r.wireBytes) / static_cast<double>(r.body.size()))
              << " %)" << std::endl;
    EXPECT_LT(r.wireBytes * 2, r.body.size());
    json::Value page = json::parse(r.body);
    ASSERT_NE(page.find("items"), nullptr);
    EXPECT_EQ(page.find("items")->items().size(), 1000u);
}

TEST(Transport, ReadTimeoutEndsASilentAnswer) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    setKnobs(sim, "fault_slow=1&slow_ms=1500");
    SourceConfig c = configFor(sim);
    c.readTimeoutSeconds = 0.4;
    HttpTransport transport(c);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        transport.get("/api/about", "");
        FAIL() << "expected a timeout";
    } catch (const TransportError& e) {
        const double took = since(t0);
        std::cout << "[read timeout] after " << took << " s: " << e.what() << std::endl;
        EXPECT_EQ(e.kind(), TransportError::Kind::Timeout);
        EXPECT_TRUE(e.retryable());
        EXPECT_NE(std::string(e.what()).find("read_timeout_seconds"), std::string::npos) << e.what();
        EXPECT_GE(took, 0.35);
        EXPECT_LT(took, 2.0);
    }
}

TEST(Transport, WholeRequestTimeoutBoundsTheExchange) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    setKnobs(sim, "fault_slow=1&slow_ms=2000");
    SourceConfig c = configFor(sim);
    c.readTimeoutSeconds = 30;  // would wait out the slow answer
    c.requestTimeoutSeconds = 0.8;
    HttpTransport transport(c);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        transport.get("/api/about", "");
        FAIL() << "expected the whole-request timeout";
    } catch (const TransportError& e) {
        const double took = since(t0);
        std::cout << "[request timeout] after " << took << " s: " << e.what() << std::endl;
        EXPECT_EQ(e.kind(), TransportError::Kind::Timeout);
        EXPECT_NE(std::string(e.what()).find("request_timeout_seconds"), std::string::npos) << e.what();
        EXPECT_GE(took, 0.75);
        EXPECT_LT(took, 2.0);
    }
}

TEST(Transport, ConnectFailuresAreRetriedThenNamed) {
    const int port = ts::pickFreeTcpPort();  // nothing listens there
    SourceConfig c;
    c.url = "http://127.0.0.1:" + std::to_string(port) + "/api";
    c.username = "api";
    c.password = "secret";
    c.maxRequestsPerSecond = 1000;
    c.maxAttempts = 3;
    c.initialBackoffSeconds = 0.01;
    c.maxBackoffSeconds = 0.02;
    c.connectTimeoutSeconds = 1;
    ApiClient client(c);
    try {
        client.getJson("parties?size=1");
        FAIL() << "expected a SourceError";
    } catch (const SourceError& e) {
        const std::string m = e.what();
        std::cout << "[refused] " << m << std::endl;
        EXPECT_NE(m.find("GET http://127.0.0.1:" + std::to_string(port) + "/api/parties?size=1"),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("gave up after 3 attempts"), std::string::npos) << m;
        EXPECT_NE(m.find("source.max_attempts"), std::string::npos) << m;
    }
    EXPECT_EQ(client.stats().requests, 3);
    EXPECT_EQ(client.stats().retriesByKind.at("network"), 2);
}
