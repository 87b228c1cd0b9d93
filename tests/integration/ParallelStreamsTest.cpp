// Issue 14 item 3, end to end: streams synced side by side (sync.parallel_streams: 2), with
// the real intouch-sync against the real simulator and PostgreSQL. What a user sees:
// - the tables equal the CRM, and the summary table and the metrics file list the streams in
//   the order of the config even though they ended in another order;
// - a stream that fails leaves the other worker going; an error that ends the run stops
//   both workers, and a SIGKILL of a run with two workers resumes to a table equal to the CRM;
// - the CRM sees one request budget: the rate, one request in flight, and a 429's
//   Retry-After pause hold across both workers;
// - a bad value of the key is a config error naming it.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <regex>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;
namespace pg = intouch::testsupport::pg;
namespace json = intouch::json;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::int64_t intField(const json::Value& v, const std::string& key) {
    const json::Value* f = v.find(key);
    std::int64_t n = 0;
    if (f) f->toInt64(n);
    return n;
}

struct SimRequests {
    std::vector<long long> arrivalsMs;
    long long maxInFlight = 0;
    long long status429 = 0;
};

SimRequests simRequests(const SyncWorld& world) {
    json::Value stats = world.simGet("/_sim/stats");
    SimRequests out;
    if (const json::Value* times = stats.find("request_times_ms"))
        for (const auto& t : times->items()) {
            std::int64_t ms = 0;
            t.toInt64(ms);
            out.arrivalsMs.push_back(ms);
        }
    out.maxInFlight = intField(stats, "max_in_flight");
    if (const json::Value* by = stats.find("by_status")) out.status429 = intField(*by, "429");
    return out;
}

// sync_stream_runs of the newest run: stream -> outcome.
std::map<std::string, std::string> lastStreamOutcomes(const SyncWorld& world) {
    std::map<std::string, std::string> out;
    for (const auto& row :
         pg::queryRows(world.dsn(), "SELECT stream, outcome FROM intouch.sync_stream_runs WHERE "
                                    "run_id = (SELECT max(run_id) FROM intouch.sync_runs)"))
        out[*row[0]] = *row[1];
    return out;
}

// The stream column of the summary table, top to bottom.
std::vector<std::string> summaryOrder(const std::string& stdoutText) {
    std::vector<std::string> out;
    std::istringstream in(stdoutText);
    bool inTable = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("stream ", 0) == 0 && has(line, " outcome")) {
            inTable = true;
            continue;
        }
        if (!inTable) continue;
        std::smatch m;
        if (!std::regex_match(line, m, std::regex(R"((\S+) +\d+ +\d+ +\d+ +\d+ +\d+ +[0-9.]+  \S+)"))) break;
        out.push_back(m[1]);
    }
    return out;
}

// The streams of a metric, in the order of the file's lines.
std::vector<std::string> metricOrder(const std::string& prom, const std::string& metric) {
    std::vector<std::string> out;
    const std::regex line("^" + metric + R"(\{[^}]*stream="([^"]+)\")");
    std::istringstream in(prom);
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_search(l, m, line)) out.push_back(m[1]);
    }
    return out;
}

// The streams of the "stream done" log lines, in the order they ended.
std::vector<std::string> completionOrder(const std::string& stderrText) {
    std::vector<std::string> out;
    const std::regex done(R"(stream done stream=(\S+))");
    for (auto it = std::sregex_iterator(stderrText.begin(), stderrText.end(), done);
         it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1]);
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ConfigSettings parallelConfig(int pageSize, double requestsPerSecond = 10000,
                              std::vector<std::string> sourceLines = {}) {
    return ConfigSettings{.pageSize = pageSize,
                          .requestsPerSecond = requestsPerSecond,
                          .extraSyncLines = {"parallel_streams: 2"},
                          .extraSourceLines = std::move(sourceLines)};
}

}  // namespace

// Every stream with two workers equals the CRM; a big stream first in the config ends
// last, yet the summary table and the metrics file list the streams in the config's order,
// and a run with parallel_streams: 1 lists them the same way.
TEST(ParallelStreams, EveryStreamEqualsTheSourceAndOutputKeepsTheConfigOrder) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 1500}, parallelConfig(50, 400));
    ASSERT_EQ(world.migrate().exitCode, 0);
    // parties (1500 records) first: the other worker gets through the small streams meanwhile.
    const std::vector<std::string> order = {"parties", "lists", "comm", "notes", "stores",
                                            "opportunities", "buscases", "members", "files",
                                            "invoices", "products"};
    std::vector<std::string> args;
    for (const auto& s : order) args.insert(args.end(), {"--stream", s});
    // Every shipped stream is named (a new mapping must be added here).
    ASSERT_EQ(std::set<std::string>(order.begin(), order.end()),
              std::set<std::string>(allStreams().begin(), allStreams().end()));
    const std::string metrics = (world.scratch() / "metrics.prom").string();
    args.insert(args.end(), {"--metrics-file", metrics});

    RunResult s = world.sync(args);
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    std::cout << "[parallel_streams 2, 11 streams] " << s.seconds << " s\n" << s.stdoutText
              << "ended in the order " << joined(completionOrder(s.stderrText)) << std::endl;
    EXPECT_TRUE(has(s.stderrText, "syncing streams side by side parallel_streams=2 streams=11"))
        << s.describe();
    for (const auto& stream : allStreams()) expectEqualToSource(world, stream, "parallel full sync");

    const std::vector<std::string> ended = completionOrder(s.stderrText);
    ASSERT_EQ(ended.size(), order.size()) << s.describe();
    EXPECT_NE(ended.front(), "parties")
        << "the other worker should have finished a small stream while parties was read";
    EXPECT_EQ(joined(summaryOrder(s.stdoutText)), joined(order)) << s.stdoutText;
    const std::string prom = readFile(metrics);
    EXPECT_EQ(joined(metricOrder(prom, "intouch_sync_stream_records_upserted")), joined(order))
        << prom.substr(0, 3000);
    EXPECT_EQ(world.lastRunValue("outcome"), "success");
    for (const auto& [stream, outcome] : lastStreamOutcomes(world)) EXPECT_EQ(outcome, "success") << stream;
    EXPECT_EQ(lastStreamOutcomes(world).size(), order.size());

    // The same run one stream at a time lists them the same way.
    ConfigSettings one = world.configSettings();
    one.extraSyncLines = {"parallel_streams: 1"};
    world.writeConfig(one);
    RunResult again = world.sync(args);
    ASSERT_EQ(again.exitCode, 0) << again.describe();
    EXPECT_FALSE(has(again.stderrText, "side by side")) << again.describe();
    EXPECT_EQ(joined(summaryOrder(again.stdoutText)), joined(order)) << again.stdoutText;
    EXPECT_EQ(joined(completionOrder(again.stderrText)), joined(order));
    EXPECT_EQ(world.lastRunValue("records_upserted"), "0");
}

// A stream the API user may not read (403) fails alone: the other worker syncs the rest,
// the exit code is that of the failure (4) and the run history says which stream failed.
TEST(ParallelStreams, AFailingStreamDoesNotStopTheOtherWorker) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 300, .extraArgs = {"--forbidden", "comm"}},
                    parallelConfig(25));
    ASSERT_EQ(world.migrate().exitCode, 0);
    RunResult s = world.sync();
    std::cout << "[parallel, comm forbidden] exit " << s.exitCode << "\n" << s.stdoutText << std::endl;
    EXPECT_EQ(s.exitCode, 4) << s.describe();
    EXPECT_TRUE(has(s.stdoutText, "comm: failed: ")) << s.stdoutText;
    auto outcomes = lastStreamOutcomes(world);
    EXPECT_EQ(outcomes.size(), allStreams().size());
    for (const auto& stream : allStreams()) {
        if (stream == "comm") {
            EXPECT_EQ(outcomes[stream], "failed");
            continue;
        }
        EXPECT_EQ(outcomes[stream], "success") << stream;
        expectEqualToSource(world, stream, "comm forbidden");
    }
    EXPECT_EQ(world.lastRunValue("outcome"), "failed");
}

// An error that ends the run (the CRM is gone) stops both workers: the two streams being
// read end failed or interrupted, the third is never started, exit 5.
TEST(ParallelStreams, AnErrorThatEndsTheRunStopsBothWorkers) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 400},
                    parallelConfig(20, 10000, {"max_attempts: 2", "initial_backoff_seconds: 0.01"}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    world.setKnobs("fault_slow=1&slow_ms=150");
    world.simPost("/_sim/stats/reset");
    auto sync = world.startSync({"--stream", "notes", "--stream", "parties", "--stream", "stores"});
    ASSERT_TRUE(pollUntil(
        [&] {
            json::Value stats = world.simGet("/_sim/stats");
            const json::Value* by = stats.find("by_status");
            return by && intField(*by, "200") >= 4;
        },
        std::chrono::seconds(60)))
        << sync->stderrText();
    const auto gone = std::chrono::steady_clock::now();
    world.restartSimulator(world.simSettings());  // the run still points at the old one
    auto code = sync->wait(std::chrono::seconds(120));
    ASSERT_TRUE(code) << sync->stderrText();
    const std::string err = sync->stderrText();
    std::cout << "[parallel, CRM gone] exit " << *code << " after " << secondsSince(gone) << " s\n"
              << ts::tailLines(err, 6) << std::endl;
    EXPECT_EQ(*code, 5) << err;
    auto outcomes = lastStreamOutcomes(world);
    EXPECT_EQ(outcomes.count("stores"), 0u) << "a stream was started after the run had ended";
    ASSERT_EQ(outcomes.size(), 2u) << err;
    for (const auto& [stream, outcome] : outcomes)
        EXPECT_TRUE(outcome == "failed" || outcome == "interrupted") << stream << ": " << outcome;
    EXPECT_EQ(world.lastRunValue("outcome"), "failed");
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.sync_runs WHERE outcome = 'running'"), 0);
}

// SIGKILL while two workers write, then a plain run: every stream equals the CRM.
TEST(ParallelStreams, SigkillWithTwoWorkersThenResumeEqualsTheSource) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 3000}, parallelConfig(20, 100));
    ASSERT_EQ(world.migrate().exitCode, 0);
    auto child = world.startSync({"--stream", "parties", "--stream", "comm", "--stream", "notes"});
    long long parties = 0, comm = 0;
    ASSERT_TRUE(pollUntil(
        [&] {
            parties = countRows(world.dsn(), "FROM intouch.parties");
            comm = countRows(world.dsn(), "FROM intouch.comm");
            return (parties >= 400 && comm >= 200) || !child->isRunning();
        },
        std::chrono::seconds(120), std::chrono::milliseconds(5)));
    ASSERT_TRUE(child->isRunning()) << "the run ended before the kill\n" << child->stderrText();
    child->kill();
    ASSERT_EQ(child->wait(std::chrono::seconds(10)), 128 + SIGKILL);
    std::cout << "[parallel, SIGKILL] at " << parties << " parties, " << comm << " comm rows"
              << std::endl;

    RunResult resume = world.sync({"--stream", "parties", "--stream", "comm", "--stream", "notes",
                                   "--wait-lock", "30"});
    ASSERT_EQ(resume.exitCode, 0) << resume.describe();
    for (const char* stream : {"parties", "comm", "notes"})
        expectEqualToSource(world, stream, "resumed after SIGKILL");
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.sync_runs WHERE outcome = 'abandoned'"), 1)
        << "the killed run is on record as abandoned";
}

// One request budget for both workers, as the CRM sees it: at 20 requests/s no two requests
// arrive closer than 50 ms, never two at a time, and each 429 (Retry-After: 1) is followed
// by a pause of a second before the next request of either worker.
TEST(ParallelStreams, BothWorkersShareTheRateAndTheRetryAfterPause) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 300, .extraArgs = {"--threads", "4"}},
                    parallelConfig(25, 20, {"max_attempts: 12"}));
    ASSERT_EQ(world.migrate().exitCode, 0);
    world.setKnobs("fault_429=0.1&retry_after=1");
    world.simPost("/_sim/stats/reset");
    RunResult s = world.sync({"--stream", "parties", "--stream", "comm", "--stream", "notes"});
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    const SimRequests r = simRequests(world);
    ASSERT_GE(r.arrivalsMs.size(), 30u);
    long long minGap = 1LL << 40;
    long long pauses = 0;  // gaps of a Retry-After second
    for (std::size_t i = 1; i < r.arrivalsMs.size(); ++i) {
        const long long gap = r.arrivalsMs[i] - r.arrivalsMs[i - 1];
        minGap = std::min(minGap, gap);
        if (gap >= 999) ++pauses;
    }
    std::cout << "[parallel, 20/s, 429 at 10%] " << r.arrivalsMs.size() << " requests, smallest gap "
              << minGap << " ms, max in flight " << r.maxInFlight << ", " << r.status429
              << " answers 429, " << pauses << " gaps >= 1 s" << std::endl;
    EXPECT_GE(minGap, 50 - 1) << "more than 20 requests per second in all";
    EXPECT_EQ(r.maxInFlight, 1);
    EXPECT_GT(r.status429, 0) << "the fault should have fired";
    EXPECT_GE(pauses, r.status429) << "after a 429 the other worker went on before Retry-After";
    EXPECT_TRUE(has(s.stderrText, "request failed, retrying")) << s.describe();
    // The retry line of a worker names its stream (the client itself does not know it).
    EXPECT_TRUE(std::regex_search(s.stderrText, std::regex("request failed, retrying stream=(parties|comm|notes) .*kind=429")))
        << s.stderrText.substr(0, 4000);
    for (const char* stream : {"parties", "comm", "notes"}) expectEqualToSource(world, stream, "429s");
}

TEST(ParallelStreams, ABadValueIsAConfigErrorNamingTheKey) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 10});
    for (const char* bad : {"0", "two", "17"}) {
        ConfigSettings c = world.configSettings();
        c.extraSyncLines = {std::string("parallel_streams: ") + bad};
        world.writeConfig(c);
        RunResult r = world.sync();
        EXPECT_EQ(r.exitCode, 2) << r.describe();
        EXPECT_TRUE(has(r.stderrText, "'sync.parallel_streams' must be")) << r.describe();
        EXPECT_TRUE(has(r.stderrText, world.configPath().filename().string())) << r.describe();
    }
}
