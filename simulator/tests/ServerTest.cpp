#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "HttpServer.h"

using namespace intouch::sim;

namespace {

// The real server on an ephemeral port, for what only the wire shows: headers, gzip,
// keep-alive, a dropped connection, concurrency statistics.
class Server : public ::testing::Test {
  protected:
    Server() : sim_(config()), server_(sim_, config()) { server_.start(); }

    static SimConfig config() {
        SimConfig c;
        c.records = 200;
        c.threads = 4;
        return c;
    }

    struct Reply {
        int status;
        Poco::Net::HTTPResponse response;
        std::string body;
    };

    Reply fetch(Poco::Net::HTTPClientSession& s, const std::string& uri, bool gzip = false,
                const std::string& method = "GET") {
        Poco::Net::HTTPRequest req(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPBasicCredentials("api", "secret").authenticate(req);
        if (gzip) req.set("Accept-Encoding", "gzip");
        s.sendRequest(req);
        Reply r{0, {}, {}};
        std::istream& in = s.receiveResponse(r.response);
        Poco::StreamCopier::copyToString(in, r.body);
        r.status = r.response.getStatus();
        return r;
    }

    std::unique_ptr<Poco::Net::HTTPClientSession> session() {
        auto s = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_.port());
        s->setKeepAlive(true);
        return s;
    }

    Simulator sim_;
    SimServer server_;
};

}  // namespace

TEST_F(Server, UrlNamesTheEphemeralPort) {
    EXPECT_GT(server_.port(), 0);
    EXPECT_EQ(server_.apiUrl(), "http://127.0.0.1:" + std::to_string(server_.port()) + "/api");
}

TEST_F(Server, HeadersAndKeepAlive) {
    auto sp = session();
    auto& s = *sp;
    auto a = fetch(s, "/api/parties?size=5");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(a.response.getContentType(), "application/json; charset=utf-8");
    EXPECT_EQ(a.response.get("Server", ""), "intouch-sim");
    EXPECT_EQ(a.response.getContentLength64(), static_cast<Poco::Int64>(a.body.size()));
    ASSERT_TRUE(a.response.has("Date"));
    int tzd = 0;
    const auto date =
        Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, a.response.get("Date"), tzd);
    EXPECT_LE(std::abs(date.timestamp().epochTime() - sim_.clock().now()), 2);
    EXPECT_TRUE(a.response.getKeepAlive());
    auto b = fetch(s, "/api/stores");
    EXPECT_EQ(b.status, 200);
    EXPECT_TRUE(b.response.getKeepAlive());
    EXPECT_EQ(fetch(s, "/nowhere").status, 404);
}

TEST_F(Server, GzipWhenAsked) {
    auto sp = session();
    auto& s = *sp;
    const auto plain = fetch(s, "/api/parties?size=300");
    const auto gz = fetch(s, "/api/parties?size=300", true);
    ASSERT_EQ(gz.response.get("Content-Encoding", ""), "gzip");
    EXPECT_FALSE(plain.response.has("Content-Encoding"));
    EXPECT_LT(gz.body.size(), plain.body.size());
    std::istringstream in(gz.body);
    Poco::InflatingInputStream inflater(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    std::string unpacked;
    Poco::StreamCopier::copyToString(inflater, unpacked);
    EXPECT_EQ(unpacked, plain.body);
}

TEST_F(Server, DroppedConnectionDeliversLessThanPromised) {
    sim_.updateRuntime({{"fault_drop", "1"}});
    auto sp = session();
    auto& s = *sp;
    Poco::Net::HTTPRequest req("GET", "/api/parties?size=200", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPBasicCredentials("api", "secret").authenticate(req);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    EXPECT_EQ(resp.getStatus(), 200);
    std::string body;
    try {
        Poco::StreamCopier::copyToString(in, body);
    } catch (const Poco::Exception&) {
        // a reset may surface as an exception instead of a short read
    }
    EXPECT_LT(static_cast<Poco::Int64>(body.size()), resp.getContentLength64());
    sim_.updateRuntime({{"fault_drop", "0"}});
    auto againp = session();
    auto& again = *againp;
    EXPECT_EQ(fetch(again, "/api/about").status, 200) << "the server survives the reset";
    EXPECT_NE(sim_.stats().json().find("\"drop\":1"), std::string::npos);
}

TEST_F(Server, TruncatedBodyHasMatchingLength) {
    sim_.updateRuntime({{"fault_truncate", "1"}});
    auto sp = session();
    auto& s = *sp;
    auto r = fetch(s, "/api/parties?size=50");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.response.getContentLength64(), static_cast<Poco::Int64>(r.body.size()));
    EXPECT_NE(r.body.back(), '}');
}

TEST_F(Server, StatsSeeConcurrentRequests) {
    sim_.updateRuntime({{"fault_slow", "1"}, {"slow_ms", "300"}});
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([this, &ok] {
            auto sp = session();
            auto& s = *sp;
            if (fetch(s, "/api/stores").status == 200) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 3);
    const std::string stats = sim_.stats().json();
    EXPECT_NE(stats.find("\"max_in_flight\":3"), std::string::npos) << stats;
    EXPECT_NE(stats.find("\"requests\":3"), std::string::npos) << stats;
}
