// --crm-version / knob crm_version: /api/about reports the version, and the endpoints that
// version lacks answer 404 like unknown paths (README, "CRM versions").

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "ApiHandlers.h"
#include "ControlHandlers.h"
#include "SimConfig.h"
#include "VersionRules.h"

using namespace intouch::sim;

namespace {

constexpr const char* kAuth = "Basic YXBpOnNlY3JldA==";  // api:secret

class Versions : public ::testing::Test {
  protected:
    explicit Versions(SimCrmVersion v = {})
        : sim_(config(std::move(v)), [] { return int64_t{1800000000}; }),
          api_(sim_),
          control_(sim_) {}

    static SimConfig config(SimCrmVersion v) {
        SimConfig c;
        c.records = 30;
        c.seed = 5;
        c.crmVersion = std::move(v);
        return c;
    }

    SimResponse get(const std::string& path, QueryParams q = {}) {
        SimRequest r;
        r.path = path;
        r.query = std::move(q);
        r.authorization = kAuth;
        return api_.handle(r);
    }
    SimResponse ctl(const std::string& method, const std::string& path, QueryParams q = {}) {
        SimRequest r;
        r.method = method;
        r.path = path;
        r.query = std::move(q);
        return control_.handle(r);
    }
    std::vector<int> aboutVersionServed() {
        SimRequest r;
        r.path = "/api/about";
        auto o = Poco::JSON::Parser().parse(api_.handle(r).body).extract<Poco::JSON::Object::Ptr>();
        std::vector<int> out;
        auto a = o->getArray("version");
        for (std::size_t i = 0; i < a->size(); ++i)
            out.push_back(a->getElement<int>(static_cast<unsigned>(i)));
        return out;
    }
    int status(const std::string& path) { return get(path).status; }

    Simulator sim_;
    ApiHandlers api_;
    ControlHandlers control_;
};

class Version62 : public Versions {
  protected:
    Version62() : Versions({6, 2}) {}
};

}  // namespace

TEST(VersionRules, ParsesVersionsAndKnowsWhatEachServes) {
    EXPECT_EQ(parseSimCrmVersion("6.2"), (SimCrmVersion{6, 2}));
    EXPECT_EQ(parseSimCrmVersion("7.1.3"), (SimCrmVersion{7, 1, 3}));
    EXPECT_EQ(parseSimCrmVersion("7.1.3.99"), (SimCrmVersion{7, 1, 3, 99}));
    EXPECT_EQ(parseSimCrmVersion(""), SimCrmVersion{});
    for (const char* bad : {"7", "6.", "6..2", "-6.2", "6.2.x", "1.2.3.4.5", "6,2"})
        EXPECT_FALSE(parseSimCrmVersion(bad)) << bad;
    EXPECT_EQ(aboutVersion({}), (std::vector<int>{6, 5, 0, 1234}));
    EXPECT_EQ(aboutVersion({7, 1}), (std::vector<int>{7, 1, 0, 1234}));
    EXPECT_EQ(aboutVersion({6, 2, 3}), (std::vector<int>{6, 2, 3, 1234}));
    EXPECT_FALSE(servesEndpoint({6, 2}, "members"));
    EXPECT_TRUE(servesEndpoint({6, 5}, "members"));
    EXPECT_TRUE(servesEndpoint({6, 9, 9}, "notes"));
    EXPECT_FALSE(servesEndpoint({6, 9, 9}, "comments"));
    EXPECT_FALSE(servesEndpoint({7, 0}, "notes"));
    EXPECT_TRUE(servesEndpoint({7, 0}, "comments"));
    for (const char* r : {"members", "notes", "comments", "parties", "files", "lists"})
        EXPECT_TRUE(servesEndpoint({}, r)) << r;
}

TEST(VersionRules, CommandLineOption) {
    auto c = parseCommandLine({"--crm-version", "7.1"});
    ASSERT_TRUE(std::holds_alternative<SimConfig>(c));
    EXPECT_EQ(std::get<SimConfig>(c).crmVersion, (SimCrmVersion{7, 1}));
    EXPECT_EQ(initialRuntimeConfig(std::get<SimConfig>(c)).crmVersion, (SimCrmVersion{7, 1}));
    EXPECT_TRUE(std::get<SimConfig>(parseCommandLine({})).crmVersion.empty());
    auto bad = parseCommandLine({"--crm-version", "seven"});
    ASSERT_TRUE(std::holds_alternative<std::string>(bad));
    EXPECT_EQ(std::get<std::string>(bad),
              "option --crm-version expects a CRM version X.Y[.Z[.B]], e.g. 6.2 or 7.1");
    EXPECT_TRUE(std::holds_alternative<std::string>(parseCommandLine({"--crm-version="})));
}

TEST_F(Versions, DefaultServesEveryEndpointAndReports65) {
    EXPECT_EQ(aboutVersionServed(), (std::vector<int>{6, 5, 0, 1234}));
    for (const char* p : {"/api/members", "/api/notes", "/api/comments", "/api/notes/1",
                          "/api/comments/1", "/api/parties/1/notes", "/api/parties/1/comments",
                          "/api/parties", "/api/files", "/api/lists"})
        EXPECT_EQ(status(p), 200) << p;
}

TEST_F(Version62, Crm62HasNoMembers) {
    EXPECT_EQ(aboutVersionServed(), (std::vector<int>{6, 2, 0, 1234}));
    auto r = get("/api/members");
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("\"status\":404"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Unknown path"), std::string::npos) << r.body;
    EXPECT_EQ(status("/api/notes"), 200);
    EXPECT_EQ(status("/api/parties/1/notes"), 200);
    EXPECT_EQ(status("/api/comments"), 404);
    EXPECT_EQ(status("/api/parties/1/comments"), 404);
    // The data is still there for the tests to compare with.
    EXPECT_EQ(ctl("GET", "/_sim/dump/members").status, 200);
    // Unknown to this version beats the rights check, like any unknown path.
    ctl("POST", "/_sim/config", {{"forbidden", "members"}});
    EXPECT_EQ(status("/api/members"), 404);
}

TEST_F(Versions, KnobSwitchesVersionsAt7ServesCommentsOnly) {
    auto cfg = ctl("POST", "/_sim/config", {{"crm_version", "7.1"}});
    ASSERT_EQ(cfg.status, 200);
    EXPECT_NE(cfg.body.find("\"crm_version\":\"7.1\""), std::string::npos) << cfg.body;
    EXPECT_EQ(aboutVersionServed(), (std::vector<int>{7, 1, 0, 1234}));
    EXPECT_EQ(status("/api/notes"), 404);
    EXPECT_EQ(status("/api/notes/1"), 404);
    EXPECT_EQ(status("/api/parties/1/notes"), 404);
    auto page = get("/api/comments", {{"size", "2"}});
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("\"comment\":"), std::string::npos);
    EXPECT_EQ(page.body.find("\"note\":"), std::string::npos);
    EXPECT_EQ(status("/api/members"), 200);
    EXPECT_EQ(ctl("POST", "/_sim/config", {{"crm_version", "x"}}).status, 400);
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"crm_version", ""}}).status, 200);
    EXPECT_EQ(status("/api/notes"), 200);
    EXPECT_EQ(aboutVersionServed(), (std::vector<int>{6, 5, 0, 1234}));
}
