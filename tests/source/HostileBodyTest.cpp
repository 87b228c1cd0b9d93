// Answers no honest CRM sends: a gzip bomb, bodies over source.max_response_bytes, bodies
// cut off in the middle (Content-Length short, chunked body without its last chunk, gzip
// stream without its end). A canned-bytes responder on loopback sends exactly those bytes;
// the transport must stop at the limit and tell a cut answer from a complete one.

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <optional>

#include "common/Errors.hpp"
#include "source/ApiClient.hpp"
#include "source/HttpTransport.hpp"
#include "support/CannedHttpResponder.hpp"

using namespace intouch;

namespace {

using CannedResponder = testsupport::CannedHttpResponder;

std::string gzip(const std::string& data) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&z, data.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", data.size());
    return std::string(size) + "\r\n" + data + "\r\n";
}

std::string headers(const std::string& extra) {
    return CannedResponder::head("200 OK", "Content-Type: application/json\r\n" + extra);
}

SourceConfig configFor(const CannedResponder& r, std::int64_t limit = 1 << 20) {
    SourceConfig c;
    c.url = r.url();
    c.username = "api";
    c.password = "secret";
    c.maxResponseBytes = limit;
    c.maxRequestsPerSecond = 1000;
    c.maxAttempts = 3;
    c.initialBackoffSeconds = 0.01;
    c.maxBackoffSeconds = 0.02;
    c.readTimeoutSeconds = 5;
    return c;
}

// The transport's answer to one GET: the body, or the error text and kind.
struct Outcome {
    std::string body;
    std::string error;
    std::optional<TransportError::Kind> kind;
};

Outcome get(const CannedResponder& r, std::int64_t limit = 1 << 20) {
    HttpTransport t(configFor(r, limit));
    Outcome o;
    try {
        o.body = t.get("/api/parties?position=0&size=1000", "").body;
    } catch (const TransportError& e) {
        o.error = e.what();
        o.kind = e.kind();
    }
    return o;
}

const std::string kPage = R"({"data":[{"id":1,"name":"Alfa"}],"total":1})";

}  // namespace

TEST(HostileBody, GzipBombStopsAtTheLimitOnceInflated) {
    // 64 MiB of zeros is about 64 KiB gzipped: small on the wire, huge in memory.
    const std::string bomb = gzip(std::string(64u << 20, '0'));
    ASSERT_LT(bomb.size(), 1u << 20);
    CannedResponder r(headers("Content-Encoding: gzip\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n") + bomb);
    const Outcome o = get(r, 1 << 20);
    ASSERT_EQ(o.kind, TransportError::Kind::TooLarge) << o.error;
    EXPECT_NE(o.error.find("GET http://127.0.0.1:"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("/api/parties?position=0&size=1000"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("source.max_response_bytes (1048576 bytes) once inflated"), std::string::npos) << o.error;
}

TEST(HostileBody, ContentLengthOverTheLimitIsRefusedBeforeReading) {
    CannedResponder r(headers("Content-Length: 5000000\r\n") + std::string(1000, 'x'));
    const Outcome o = get(r, 1 << 20);
    ASSERT_EQ(o.kind, TransportError::Kind::TooLarge) << o.error;
    EXPECT_NE(o.error.find("(1048576 bytes) on the wire (5000000 bytes announced by Content-Length)"),
              std::string::npos)
        << o.error;
}

TEST(HostileBody, ChunkedBodyOverTheLimitStopsOnTheWire) {
    std::string body;
    for (int i = 0; i < 40; ++i) body += chunk(std::string(60000, 'x'));
    CannedResponder r(headers("Transfer-Encoding: chunked\r\n") + body + "0\r\n\r\n");
    const Outcome o = get(r, 1 << 20);
    ASSERT_EQ(o.kind, TransportError::Kind::TooLarge) << o.error;
    EXPECT_NE(o.error.find("(1048576 bytes) on the wire"), std::string::npos) << o.error;
}

TEST(HostileBody, BodyWithoutLengthOverTheLimitStopsOnTheWire) {
    CannedResponder r(headers("") + std::string(3u << 20, 'x'));
    const Outcome o = get(r, 1 << 20);
    ASSERT_EQ(o.kind, TransportError::Kind::TooLarge) << o.error;
}

TEST(HostileBody, ShortContentLengthBodyIsACutAnswer) {
    CannedResponder r(headers("Content-Length: 1000\r\n") + kPage);
    const Outcome o = get(r);
    ASSERT_EQ(o.kind, TransportError::Kind::Network) << o.error;
    EXPECT_NE(o.error.find("closed after " + std::to_string(kPage.size()) + " of 1000 body bytes"),
              std::string::npos)
        << o.error;
}

// Poco's chunked stream takes a connection closed before the last chunk for the end of
// the body; a page that happens to be valid JSON at the cut would pass as complete.
TEST(HostileBody, ChunkedBodyWithoutItsLastChunkIsACutAnswer) {
    CannedResponder r(headers("Transfer-Encoding: chunked\r\n") + chunk(kPage));
    const Outcome o = get(r);
    ASSERT_EQ(o.kind, TransportError::Kind::Network) << "body: " << o.body << " error: " << o.error;
    EXPECT_NE(o.error.find("closed in the middle of a chunked body after " + std::to_string(kPage.size()) +
                           " body bytes"),
              std::string::npos)
        << o.error;
}

TEST(HostileBody, ChunkCutInTheMiddleIsACutAnswer) {
    CannedResponder r(headers("Transfer-Encoding: chunked\r\n") + "400\r\n" + kPage);
    const Outcome o = get(r);
    ASSERT_EQ(o.kind, TransportError::Kind::Network) << o.error;
    EXPECT_NE(o.error.find("closed in the middle of a chunk"), std::string::npos) << o.error;
}

TEST(HostileBody, GzipStreamWithoutItsEndIsCorrupt) {
    std::string big;
    for (int i = 0; i < 2000; ++i) big += kPage;
    const std::string z = gzip(big);
    const std::string cut = z.substr(0, z.size() / 2);
    CannedResponder r(headers("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") + chunk(cut) + "0\r\n\r\n");
    const Outcome o = get(r);
    ASSERT_EQ(o.kind, TransportError::Kind::CorruptBody) << o.error;
    EXPECT_NE(o.error.find("the gzip stream ends before its end marker"), std::string::npos) << o.error;
}

TEST(HostileBody, WellFormedChunksExtensionsTrailersAndGzipMembersDecode) {
    const std::string a = kPage.substr(0, 10), b = kPage.substr(10);
    const std::string z = gzip(a) + gzip(b);  // two members make one stream
    CannedResponder r(headers("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n") +
                      chunk(z.substr(0, 7)) + "A;name=value\r\n" + z.substr(7, 10) + "\r\n" +
                      chunk(z.substr(17)) + "0\r\nX-Trailer: yes\r\n\r\n");
    const Outcome o = get(r);
    EXPECT_EQ(o.error, "");
    EXPECT_EQ(o.body, kPage);
}

TEST(HostileBody, OversizedAnswerFailsAtOnceWithoutRetrying) {
    CannedResponder r(headers("Content-Length: 5000000\r\n"));
    ApiClient client(configFor(r, 1 << 20));
    try {
        client.getJson("parties?position=0&size=1000");
        FAIL() << "an answer over the limit was accepted";
    } catch (const SourceError& e) {
        EXPECT_EQ(e.exitCode(), ExitCode::SourceUnavailable);
        EXPECT_NE(std::string(e.what()).find("source.max_response_bytes"), std::string::npos) << e.what();
    }
    EXPECT_EQ(client.stats().requests, 1);
    EXPECT_EQ(r.connections(), 1);
}
