// Plain http sends Basic auth in clear text, so it is accepted for loopback only: an
// address literal in 127.0.0.0/8 or ::1, or the name localhost when every address it
// resolves to is loopback. A name that merely looks like one is refused before any
// connection is made.

#include <gtest/gtest.h>

#include "common/Errors.hpp"
#include "source/HttpTransport.hpp"

using namespace intouch;

TEST(Loopback, AddressLiteralsInsideLoopbackAreAccepted) {
    for (const char* h : {"127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "[::1]",
                          "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
        EXPECT_TRUE(isLoopbackHost(h)) << h;
}

TEST(Loopback, NamesThatLookLikeLoopbackAreNot) {
    for (const char* h : {"127.example.com", "127.0.0.1.nip.io", "127.0.0.1.", "127.evil",
                          "localhost.example.com", "mylocalhost", "::2", "[::2]", "128.0.0.1",
                          "10.0.0.1", "0.0.0.0", "::", "::ffff:10.0.0.1", "", "127.0.0.256",
                          "localhost:80"})
        EXPECT_FALSE(isLoopbackHost(h)) << h;
}

TEST(Loopback, LocalhostCountsWhenItResolvesToLoopbackOnly) {
    // The test machine's /etc/hosts maps localhost to 127.0.0.1 and maybe ::1: both loopback.
    EXPECT_TRUE(isLoopbackHost("localhost"));
    EXPECT_TRUE(isLoopbackHost("LOCALHOST"));
}

TEST(Loopback, PlainHttpToANonLoopbackNameIsRefusedBeforeConnecting) {
    SourceConfig c;
    c.url = "http://127.example.com/api";
    try {
        HttpTransport t(c);
        FAIL() << "plain http to 127.example.com was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("uses plain http"), std::string::npos) << e.what();
        EXPECT_EQ(e.exitCode(), ExitCode::ConfigError);
    }
    c.url = "http://127.0.0.1:1/api";
    EXPECT_NO_THROW(HttpTransport{c});
    c.url = "http://[::1]:1/api";
    EXPECT_NO_THROW(HttpTransport{c});
}
