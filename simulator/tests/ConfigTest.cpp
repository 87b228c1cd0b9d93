#include <gtest/gtest.h>

#include "RuntimeConfig.h"
#include "SimConfig.h"

using namespace intouch::sim;

namespace {

SimConfig parsed(const std::vector<std::string>& args) {
    auto r = parseCommandLine(args);
    if (auto* e = std::get_if<std::string>(&r)) ADD_FAILURE() << *e;
    return std::get<SimConfig>(r);
}

std::string error(const std::vector<std::string>& args) {
    auto r = parseCommandLine(args);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "<accepted>";
}

}  // namespace

TEST(CommandLine, DefaultsMatchTheReadme) {
    const SimConfig c = parsed({});
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.bind, "127.0.0.1");
    EXPECT_EQ(c.seed, 42u);
    EXPECT_EQ(c.records, 1000);
    EXPECT_EQ(c.user, "api");
    EXPECT_EQ(c.password, "secret");
    EXPECT_EQ(c.tieSize, 1);
    EXPECT_EQ(c.datetimeFormat, DateTimeFormat::IsoOffset);
    EXPECT_EQ(c.timezone, "Europe/Prague");
    EXPECT_EQ(c.threads, 4);
    EXPECT_EQ(streamListText(c.mutateStreams), "parties");
    EXPECT_EQ(streamListText(c.forbidden), "");
    EXPECT_FALSE(c.tls());
}

TEST(CommandLine, AcceptsBothValueSyntaxesAndFlags) {
    const SimConfig c = parsed({"--port", "8080", "--records=50", "--shuffle-ties",
                                "--datetime-format", "epoch-ms", "--mutate-streams=parties,comm",
                                "--maintenance", "--tie-size", "3", "--forbidden=members"});
    EXPECT_EQ(c.port, 8080);
    EXPECT_EQ(c.records, 50);
    EXPECT_TRUE(c.shuffleTies);
    EXPECT_TRUE(c.maintenance);
    EXPECT_EQ(c.datetimeFormat, DateTimeFormat::EpochMs);
    EXPECT_EQ(streamListText(c.mutateStreams), "parties,comm");
    EXPECT_EQ(c.tieSize, 3);
    EXPECT_EQ(streamListText(initialRuntimeConfig(c).forbidden), "members");
}

TEST(CommandLine, RejectsBadInput) {
    EXPECT_NE(error({"--bogus"}), "<accepted>");
    EXPECT_NE(error({"--port", "70000"}), "<accepted>");
    EXPECT_NE(error({"--port"}), "<accepted>");
    EXPECT_NE(error({"--tie-size", "0"}), "<accepted>");
    EXPECT_NE(error({"--datetime-format", "iso"}), "<accepted>");
    EXPECT_NE(error({"--timezone", "Mars/Olympus"}), "<accepted>");
    EXPECT_NE(error({"--mutate-streams", "parties,unicorns"}), "<accepted>");
    EXPECT_NE(error({"--forbidden", "lists"}), "<accepted>");
    EXPECT_NE(error({"--tls-cert", "a.pem"}), "<accepted>");
    EXPECT_NE(error({"--shuffle-ties=1"}), "<accepted>");
    EXPECT_NE(error({"positional"}), "<accepted>");
}

TEST(RuntimeConfig, AppliesKnobs) {
    RuntimeConfig c;
    EXPECT_FALSE(applyConfigParams(c, {{"mutate_per_request", "3"},
                                       {"mutate_streams", "comm,comments"},
                                       {"shuffle_ties", "1"},
                                       {"fault_429", "0.25"},
                                       {"retry_after", "7"},
                                       {"retry_after_http_date", "true"},
                                       {"delete_weight", "0"},
                                       {"forbidden", "parties,members"}}));
    EXPECT_EQ(c.mutatePerRequest, 3);
    EXPECT_EQ(streamListText(c.mutateStreams), "comm,notes");
    EXPECT_TRUE(c.shuffleTies);
    EXPECT_DOUBLE_EQ(c.faults.p429, 0.25);
    EXPECT_EQ(c.faults.retryAfterSeconds, 7);
    EXPECT_TRUE(c.faults.retryAfterHttpDate);
    EXPECT_DOUBLE_EQ(c.deleteWeight, 0);
    EXPECT_EQ(streamListText(c.forbidden), "parties,members");
}

TEST(RuntimeConfig, InvalidUpdateChangesNothing) {
    RuntimeConfig c;
    auto p = applyConfigParams(c, {{"fault_500", "0.5"}, {"fault_429", "1.5"}});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->field, "fault_429");
    EXPECT_DOUBLE_EQ(c.faults.p500, 0);
    auto unknown = applyConfigParams(c, {{"fault_teapot", "1"}});
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->field, "fault_teapot");
    EXPECT_TRUE(applyConfigParams(c, {{"shuffle_ties", "maybe"}}));
    EXPECT_TRUE(applyConfigParams(c, {{"slow_ms", "-1"}}));
}

TEST(RuntimeConfig, JsonUsesTheKeysItAccepts) {
    RuntimeConfig c;
    c.faults.p503 = 0.5;
    std::string out = "{";
    appendConfigMembers(out, c);
    out += "}";
    EXPECT_NE(out.find("\"fault_503\":0.5"), std::string::npos);
    EXPECT_NE(out.find("\"mutate_streams\":\"parties\""), std::string::npos);
    EXPECT_NE(out.find("\"slow_ms\":2000"), std::string::npos);
    EXPECT_NE(out.find("\"forbidden\":\"\""), std::string::npos);
}

TEST(CommandLine, ShapeOptionsBecomeTheInitialKnobs) {
    auto parsed = parseCommandLine({"--page-members-files", "--lists-without-items", "--size-cap",
                                    "100", "--omit-total", "comm", "--ignore-order-by=files",
                                    "--ignore-position", "members"});
    ASSERT_TRUE(std::holds_alternative<SimConfig>(parsed)) << std::get<std::string>(parsed);
    const RuntimeConfig r = initialRuntimeConfig(std::get<SimConfig>(parsed));
    EXPECT_TRUE(r.shape.pageMembersFiles);
    EXPECT_TRUE(r.shape.listsWithoutItems);
    EXPECT_EQ(r.shape.sizeCap, 100);
    EXPECT_EQ(streamListText(r.shape.omitTotal), "comm");
    EXPECT_EQ(streamListText(r.shape.ignoreOrderBy), "files");
    EXPECT_EQ(streamListText(r.shape.ignorePosition), "members");
    EXPECT_TRUE(std::holds_alternative<std::string>(parseCommandLine({"--size-cap", "1001"})));
    EXPECT_TRUE(std::holds_alternative<std::string>(parseCommandLine({"--omit-total", "unicorns"})));
}

TEST(CommandLine, ClockOptions) {
    const SimConfig d = parsed({});
    EXPECT_FALSE(d.clockStart.has_value());
    EXPECT_EQ(d.clockSpeed, 1.0);
    const SimConfig c = parsed({"--clock-start", "2027-10-31T00:30:00+02:00", "--clock-speed=360"});
    EXPECT_EQ(c.clockStart, 1824935400);
    EXPECT_EQ(c.clockSpeed, 360.0);
    EXPECT_NE(error({"--clock-start", "2027-10-31T00:30:00"}).find("with its offset"), std::string::npos);
    EXPECT_NE(error({"--clock-start", "2024-10-27T02:30:00+02:00"}).find("2025-01-01"), std::string::npos);
    EXPECT_NE(error({"--clock-speed", "0"}).find("above 0"), std::string::npos);
}
