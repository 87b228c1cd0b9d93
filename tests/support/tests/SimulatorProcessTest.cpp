#include <gtest/gtest.h>

#include <regex>

#include "support/SimulatorProcess.hpp"

using namespace intouch::testsupport;

// The fake speaks the simulator's start-up protocol, so these run even before intouch-sim
// exists and pin down SimulatorProcess itself.
TEST(SimulatorProcessWithFake, ParsesReadyLineAndSpeaksHttp) {
    SimulatorProcess sim(SimulatorOptions{.binary = INTOUCH_FAKE_SIM});
    EXPECT_TRUE(std::regex_match(sim.baseUrl(), std::regex(R"(http://127\.0\.0\.1:\d+/api)")))
        << sim.baseUrl();
    EXPECT_GT(sim.port(), 0);
    EXPECT_FALSE(sim.isHttps());
    EXPECT_EQ(sim.origin() + "/api", sim.baseUrl());

    HttpResponse about = sim.get("/api/about");
    EXPECT_EQ(about.status, 200);
    EXPECT_NE(about.body.find("\"crmId\""), std::string::npos);

    HttpResponse denied = sim.get("/api/parties?page=1");
    EXPECT_EQ(denied.status, 401);
    EXPECT_EQ(denied.header("www-authenticate"), "Basic realm=\"crm\"");

    EXPECT_EQ(sim.getWithAuth("/api/parties?page=1", "api", "wrong").status, 401);
    HttpResponse ok = sim.getWithAuth("/api/parties?page=1", "api", "s3cret");
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("/api/parties?page=1"), std::string::npos) << ok.body;

    HttpResponse control = sim.post("/_sim/mutate?entity=parties&count=3", "{\"a\":1}");
    EXPECT_EQ(control.status, 200);
    EXPECT_NE(control.body.find("/_sim/mutate?entity=parties&count=3"), std::string::npos);
    EXPECT_NE(control.body.find(R"({\"a\":1})"), std::string::npos) << control.body;
    EXPECT_NE(control.body.find("application/json"), std::string::npos);
    EXPECT_EQ(control.header("Retry-After"), "7");

    EXPECT_THROW(sim.get("api/about"), std::invalid_argument);
    EXPECT_EQ(sim.stop(), 0) << "the fake exits 0 on SIGTERM";
}

TEST(SimulatorProcessWithFake, HttpsWithSelfSignedCertificate) {
    TempDirectory certs("certs");
    const std::string cert = (certs / "cert.pem").string();
    const std::string key = (certs / "key.pem").string();
    CompletedProcess gen =
        runToCompletion("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert});
    ASSERT_EQ(gen.exitCode, 0) << gen.stderrText;

    SimulatorProcess sim(SimulatorOptions{.args = {"--tls-cert", cert, "--tls-key", key},
                                          .binary = INTOUCH_FAKE_SIM});
    EXPECT_TRUE(sim.isHttps());
    EXPECT_EQ(sim.baseUrl().rfind("https://127.0.0.1:", 0), 0u) << sim.baseUrl();
    EXPECT_EQ(sim.get("/api/about").status, 200);
    EXPECT_EQ(sim.getWithAuth("/api/parties", "api", "s3cret").status, 200);
}

TEST(SimulatorProcessWithFake, StartupFailureReportsExitCodeAndStderr) {
    try {
        SimulatorProcess sim(
            SimulatorOptions{.args = {"--fail-startup"}, .binary = INTOUCH_FAKE_SIM});
        FAIL() << "expected start-up to fail";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("exited with code 3"), std::string::npos) << what;
        EXPECT_NE(what.find("refusing to start"), std::string::npos) << what;
    }
}

TEST(SimulatorProcessWithFake, SilentBinaryTimesOut) {
    // The appended "--port 0" become $0 and $1 of the script, which ignores them.
    const auto start = std::chrono::steady_clock::now();
    try {
        SimulatorProcess sim(SimulatorOptions{.args = {"-c", "exec sleep 30"},
                                              .binary = "/bin/sh",
                                              .startupTimeout = std::chrono::milliseconds(300)});
        FAIL() << "expected a start-up timeout";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("printed no 'listening on' line"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(SimulatorProcess, RealSimulatorStartsAndServesAbout) {
    INTOUCH_REQUIRE_SIMULATOR();
    SimulatorProcess sim;
    EXPECT_TRUE(std::regex_match(sim.baseUrl(), std::regex(R"(https?://127\.0\.0\.1:\d+/api)")))
        << sim.baseUrl();
    HttpResponse about = sim.get("/api/about");
    EXPECT_EQ(about.status, 200) << about.body;
    EXPECT_NE(about.body.find("crmId"), std::string::npos) << about.body;
    EXPECT_TRUE(sim.stop().has_value()) << "intouch-sim did not exit on SIGTERM within 5 s";
}
