// Answers that must not be retried: 400/404 with the documented error JSON fail at once
// with every problem shown, 401 fails at once telling which API user to check, and the
// password never shows up in any output, not even with --log-level debug.

#include <gtest/gtest.h>

#include <Poco/Base64Encoder.h>

#include <iostream>
#include <sstream>

#include "SourceWorld.hpp"
#include "common/Errors.hpp"
#include "source/ApiClient.hpp"

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
    return c;
}

std::string base64(const std::string& s) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << s;
    enc.close();
    return out.str();
}

// The SourceError message of a request that must fail.
std::string failureOf(ApiClient& client, const std::string& relative) {
    try {
        client.getJson(relative);
    } catch (const SourceError& e) {
        return e.what();
    }
    ADD_FAILURE() << "GET " << relative << " did not fail";
    return "";
}

}  // namespace

TEST(HttpErrors, BadRequestFailsAtOnceShowingLevelFieldAndMessage) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    ApiClient client(configFor(sim));
    const std::string m = failureOf(client, "parties?position=-1&size=10");
    std::cout << "[400] " << m << std::endl;
    EXPECT_NE(m.find("GET " + sim.baseUrl() + "/parties?position=-1&size=10"), std::string::npos) << m;
    EXPECT_NE(m.find("HTTP 400"), std::string::npos) << m;
    EXPECT_NE(m.find("SEVERE position: position must not be negative"), std::string::npos) << m;
    EXPECT_EQ(simStats(sim).requests, 1) << "a 400 must not be retried";
}

TEST(HttpErrors, NotFoundFailsAtOnceShowingTheProblem) {
    INTOUCH_REQUIRE_SIMULATOR();
    ts::SimulatorProcess sim({.args = {"--records", "10"}});
    ApiClient client(configFor(sim));
    const std::string m = failureOf(client, "parties/99999");
    std::cout << "[404] " << m << std::endl;
    EXPECT_NE(m.find("HTTP 404"), std::string::npos) << m;
    EXPECT_NE(m.find("SEVERE: Record 99999 of parties not found"), std::string::npos) << m;
    EXPECT_EQ(simStats(sim).requests, 1) << "a 404 must not be retried";
}

TEST(HttpErrors, WrongPasswordExits4AtOnceAndNeverLeaksIt) {
    INTOUCH_REQUIRE_SIMULATOR();
    SourceWorld world({"--records", "20"});
    world.writeConfig({"requests_per_second: 1000", "initial_backoff_seconds: 0.01"});
    const std::string wrong = "Wr0ng-Passw0rd-77";
    RunResult r = world.run({"sync", "--log-level", "debug"}, wrong);
    std::cout << "[401] " << r.describe() << std::endl;
    EXPECT_EQ(r.exitCode, 4) << r.describe();
    const std::string out = r.output();
    EXPECT_NE(r.stderrText.find("HTTP 401"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("API user 'api'"), std::string::npos) << r.describe();
    EXPECT_NE(r.stderrText.find("check source.username and source.password"), std::string::npos)
        << r.describe();
    for (const std::string& secret : {wrong, base64("api:" + wrong), base64(wrong)})
        EXPECT_EQ(out.find(secret), std::string::npos) << "leaked: " << secret;
    EXPECT_EQ(out.find("Authorization"), std::string::npos) << "an Authorization header was printed";
    EXPECT_EQ(out.find("Basic "), std::string::npos) << "a Basic credential was printed";
    EXPECT_NE(out.find("DEBUG"), std::string::npos) << "debug logging was not on";
    SimStats s = simStats(world.sim());
    EXPECT_EQ(s.byStatus["401"], 1) << "a 401 must not be retried";
}
