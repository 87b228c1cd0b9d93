// Issue 18, end to end: every CRM version gets every stream it serves, in one run.
// - A 6.2 CRM (no /api/members) with the default configuration: members is skipped with one
//   warning (its mapping says `since: "6.5"`), every other stream equals the CRM, exit 0.
// - A 7.x CRM (notes only as /api/comments, text in `comment`): notes land in the notes table.
// - A 404 on one stream of many fails that stream alone (`unavailable`, exit 9), and a 404
//   after the first page is an ordinary error of the stream (exit 5).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;
namespace pg = intouch::testsupport::pg;
namespace fs = std::filesystem;
namespace json = intouch::json;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

long long simStatus(const SyncWorld& world, const std::string& status) {
    json::Value stats = world.simGet("/_sim/stats");
    const json::Value* by = stats.find("by_status");
    const json::Value* n = by ? by->find(status) : nullptr;
    std::int64_t v = 0;
    if (n) n->toInt64(v);
    return v;
}

// sync_stream_runs of the newest run: stream -> {outcome, error}.
std::map<std::string, std::pair<std::string, std::string>> lastStreamRuns(const SyncWorld& world) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    for (const auto& row :
         pg::queryRows(world.dsn(),
                       "SELECT stream, outcome, coalesce(error, '') FROM intouch.sync_stream_runs "
                       "WHERE run_id = (SELECT max(run_id) FROM intouch.sync_runs)"))
        out[*row[0]] = {*row[1], *row[2]};
    return out;
}

// Applies `edit` to the text of one mapping file.
void editFile(const fs::path& path, const std::function<std::string(std::string)>& edit) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const std::string changed = edit(text);
    ASSERT_NE(changed, text) << "the edit changed nothing in " << path;
    std::ofstream(path, std::ios::trunc) << changed;
}

// A copy of the shipped mappings in the test's scratch directory.
fs::path mappingsCopy(const SyncWorld& world) {
    const fs::path dir = world.scratch() / "mappings";
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(mappingsDir()))
        fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
    return dir;
}

void expectOthersEqualToSource(const SyncWorld& world, const std::string& except,
                               const std::string& when) {
    for (const auto& stream : allStreams()) {
        if (stream == except) continue;
        Comparison c = compareWithSource(world, stream);
        EXPECT_TRUE(c.equal()) << when << ": " << c.summary();
        EXPECT_GT(c.sourceCount, 0u) << stream;
    }
}

}  // namespace

TEST(CrmVersions, Crm62SyncsEveryStreamButMembersAndSaysWhy) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 200, .extraArgs = {"--crm-version", "6.2"}},
                    ConfigSettings{.pageSize = 50});
    ASSERT_EQ(world.migrate().exitCode, 0);

    RunResult check = world.run("check");
    std::cout << "[check, CRM 6.2]\n" << check.stdoutText << std::endl;
    EXPECT_EQ(check.exitCode, 0) << check.describe();
    EXPECT_TRUE(has(check.stdoutText,
                    "crm: stream members not served by this CRM version, skipped by sync: members "
                    "is served from CRM 6.5 on (members.yaml); this CRM reports version "
                    "6.2.0.1234\n"))
        << check.describe();
    EXPECT_TRUE(has(check.stdoutText,
                    "crm: streams this CRM (version 6.2.0.1234) does not serve: members\n"))
        << check.describe();
    EXPECT_TRUE(has(check.stdoutText,
                    "crm: stream notes readable via /notes (first in "
                    "endpoints:)"))
        << check.describe();

    world.simPost("/_sim/stats/reset");
    RunResult s = world.sync();
    std::cout << "[sync, CRM 6.2]\n" << s.stdoutText << std::endl;
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    // One warning line, the reason in the summary, and not a single request for members.
    EXPECT_EQ(count(s.stderrText, "stream skipped: this CRM version does not serve it"), 1u)
        << s.describe();
    EXPECT_TRUE(has(s.stdoutText,
                    "members: skipped: members is served from CRM 6.5 on "
                    "(members.yaml); this CRM reports version 6.2.0.1234\n"))
        << s.describe();
    EXPECT_EQ(simStatus(world, "404"), 0) << "members was asked for";
    EXPECT_EQ(countRows(world.dsn(), "FROM intouch.members"), 0);

    expectOthersEqualToSource(world, "members", "CRM 6.2");

    auto runs = lastStreamRuns(world);
    EXPECT_EQ(runs.size(), allStreams().size());
    EXPECT_EQ(runs["members"].first, "skipped");
    EXPECT_TRUE(has(runs["members"].second, "served from CRM 6.5 on")) << runs["members"].second;
    for (const auto& [stream, r] : runs) {
        if (stream != "members") {
            EXPECT_EQ(r.first, "success") << stream;
        }
    }
    EXPECT_EQ(world.lastRunValue("outcome"), "success");

    RunResult status = world.run("status");
    ASSERT_EQ(status.exitCode, 0) << status.describe();
    EXPECT_EQ(statusColumn(status.stdoutText, "members", "outcome"), "skipped")
        << status.stdoutText;
    EXPECT_EQ(statusColumn(status.stdoutText, "notes", "outcome"), "success") << status.stdoutText;
    EXPECT_TRUE(has(status.stdoutText,
                    "members: last run skipped: members is served from CRM "
                    "6.5 on"))
        << status.stdoutText;
}

TEST(CrmVersions, Crm7SyncsNotesThroughComments) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(
        SimSettings{
            .records = 200, .mutateStreams = "notes", .extraArgs = {"--crm-version", "7.1"}},
        ConfigSettings{.pageSize = 40});
    ASSERT_EQ(world.migrate().exitCode, 0);

    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 0) << check.describe();
    EXPECT_TRUE(has(check.stdoutText,
                    "crm: stream notes readable via /comments (the names "
                    "before it answered 404) (100 records)"))
        << check.describe();

    auto notesEqualComments = [&](const std::string& when) {
        std::map<std::string, std::string> source, text;
        const json::Value dump = world.simGet("/_sim/dump/comments");
        for (const auto& rec : dump.items()) {
            const std::string id = rec.find("id")->numberText();
            source[id] = md5Hex(rec.toJson());
            const json::Value* c = rec.find("comment");
            text[id] = c && c->isString() ? c->asString() : "<null>";
        }
        std::map<std::string, std::string> table, notes;
        for (const auto& row :
             pg::queryRows(world.dsn(),
                           "SELECT id::text, record_hash, coalesce(note, '<null>') FROM "
                           "intouch.notes WHERE deleted_at IS NULL")) {
            table[*row[0]] = *row[1];
            notes[*row[0]] = *row[2];
        }
        EXPECT_EQ(table.size(), source.size()) << when;
        EXPECT_TRUE(table == source) << when << ": notes differ from /_sim/dump/comments";
        EXPECT_TRUE(notes == text) << when << ": the note column does not hold `comment`";
    };

    world.simPost("/_sim/stats/reset");
    RunResult s = world.sync();
    std::cout << "[sync, CRM 7.1]\n" << s.stdoutText << std::endl;
    ASSERT_EQ(s.exitCode, 0) << s.describe();
    EXPECT_TRUE(has(s.stdoutText, "notes: read from endpoint comments\n")) << s.describe();
    EXPECT_TRUE(std::regex_search(s.stderrText,
                                  std::regex("reading stream from endpoint.*stream=notes.*"
                                             "endpoint=comments.*crm_version=7\\.1\\.0\\.1234")))
        << s.describe();
    EXPECT_EQ(simStatus(world, "404"), 1) << "one request for /api/notes, then /api/comments";
    notesEqualComments("first sync");
    expectOthersEqualToSource(world, "notes", "CRM 7.1");
    EXPECT_EQ(lastStreamRuns(world)["notes"].first, "success");

    // Changes arrive through the same name on the next run.
    world.simPost("/_sim/mutate?stream=notes&edits=5&inserts=3&deletes=2");
    RunResult again = world.sync({"--stream", "notes"});
    ASSERT_EQ(again.exitCode, 0) << again.describe();
    notesEqualComments("after changes");

    // A full refresh reads into shadow tables; the 404 of the first name leaves them usable.
    world.simPost("/_sim/mutate?stream=notes&edits=2&deletes=1");
    RunResult full = world.sync({"--stream", "notes", "--full-refresh"});
    ASSERT_EQ(full.exitCode, 0) << full.describe();
    EXPECT_TRUE(has(full.stdoutText, "notes: read from endpoint comments\n")) << full.describe();
    notesEqualComments("after a full refresh");
}

TEST(CrmVersions, NotFoundOnOneStreamOfManyFailsThatStreamOnly) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 150, .extraArgs = {"--crm-version", "6.2"}},
                    ConfigSettings{.pageSize = 50});
    // A members mapping that does not know its versions: the 6.2 CRM answers 404.
    ConfigSettings config = world.configSettings();
    const fs::path dir = mappingsCopy(world);
    editFile(dir / "members.yaml", [](std::string t) {
        return std::regex_replace(t, std::regex("since: \"6.5\"\n"), "");
    });
    config.mappingsDir = dir.string();
    world.writeConfig(config);
    ASSERT_EQ(world.migrate().exitCode, 0);
    const std::string metrics = (world.scratch() / "metrics.prom").string();

    RunResult s = world.sync({"--metrics-file", metrics});
    std::cout << "[sync, 404 on members]\n" << s.describe() << std::endl;
    EXPECT_EQ(s.exitCode, 9) << s.describe();
    const std::string verdict = s.stderrText.substr(s.stderrText.rfind("intouch-sync: "));
    for (const std::string& part :
         {std::string("stream members: this CRM (version 6.2.0.1234) does not serve it: GET ") +
              world.sim().baseUrl() + "/members",
          std::string("HTTP 404"), std::string("Unknown path"),
          std::string("remove members from `streams` in the config, or upgrade the CRM"),
          std::string("(10 other streams synced)")})
        EXPECT_TRUE(has(verdict, part)) << "missing '" << part << "' in " << verdict;
    EXPECT_TRUE(has(s.stdoutText,
                    "members: unavailable: this CRM (version 6.2.0.1234) does not "
                    "serve it"))
        << s.describe();
    expectOthersEqualToSource(world, "members", "404 on members");

    auto runs = lastStreamRuns(world);
    EXPECT_EQ(runs["members"].first, "unavailable");
    EXPECT_TRUE(has(runs["members"].second, "HTTP 404")) << runs["members"].second;
    for (const auto& [stream, r] : runs) {
        if (stream != "members") {
            EXPECT_EQ(r.first, "success") << stream;
        }
    }
    EXPECT_EQ(world.lastRunValue("outcome"), "unavailable");
    EXPECT_TRUE(has(world.lastRunValue("error").value_or(""), "stream members: "));

    std::ifstream in(metrics);
    const std::string prom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(has(prom, "intouch_sync_run_exit_code{schema=\"intouch\",command=\"sync\"} 9"))
        << prom.substr(0, 2000);
    EXPECT_TRUE(has(prom,
                    "intouch_sync_run_outcome{schema=\"intouch\",command=\"sync\",outcome="
                    "\"unavailable\"} 1"))
        << prom.substr(0, 2000);
    EXPECT_TRUE(has(prom,
                    "intouch_sync_stream_outcome{schema=\"intouch\",stream=\"members\","
                    "outcome=\"unavailable\"} 1"))
        << prom.substr(0, 2000);

    RunResult status = world.run("status");
    // (statusColumn cuts a left-aligned value at the header's width: "unavail".)
    EXPECT_TRUE(std::regex_search(
        status.stdoutText, std::regex(R"(\nmembers +\(re-read whole\) +- +0  unavailable )")))
        << status.stdoutText;
    EXPECT_TRUE(has(status.stdoutText,
                    "members: last run unavailable: this CRM (version "
                    "6.2.0.1234) does not serve it"))
        << status.stdoutText;

    RunResult check = world.run("check");
    EXPECT_EQ(check.exitCode, 9) << check.describe();
    EXPECT_TRUE(has(check.stdoutText,
                    "crm: stream members NOT served by this CRM (version "
                    "6.2.0.1234): GET "))
        << check.describe();
    EXPECT_TRUE(has(check.stderrText, "does not serve 1 stream(s): members")) << check.describe();

    // A more serious failure of another stream decides the exit code; still every other
    // stream is synced: a 400 (bad parameter) on buscases is exit 5.
    editFile(dir / "buscases.yaml", [](std::string t) {
        return std::regex_replace(t, std::regex("params: \\{caseType: 0\\}"),
                                  "params: {caseType: -1}");
    });
    world.simPost("/_sim/mutate?stream=parties&edits=4&inserts=2");
    RunResult two = world.sync();
    EXPECT_EQ(two.exitCode, 5) << two.describe();
    EXPECT_TRUE(has(two.stderrText,
                    "2 streams failed (buscases, members; 9 other streams "
                    "synced): stream buscases: GET "))
        << two.describe();
    runs = lastStreamRuns(world);
    EXPECT_EQ(runs["buscases"].first, "failed");
    EXPECT_TRUE(has(runs["buscases"].second, "HTTP 400")) << runs["buscases"].second;
    EXPECT_EQ(runs["members"].first, "unavailable");
    EXPECT_EQ(runs["parties"].first, "success");
    EXPECT_TRUE(compareWithSource(world, "parties").equal());
    EXPECT_EQ(world.lastRunValue("outcome"), "failed");
}

TEST(CrmVersions, NotFoundAfterTheFirstPageIsAnErrorOfTheStream) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(SimSettings{.records = 400, .extraArgs = {"--crm-version", "6.2"}},
                    ConfigSettings{.pageSize = 20});
    ASSERT_EQ(world.migrate().exitCode, 0);
    // Each request takes a while, so that the CRM can "upgrade" under the running stream.
    world.setKnobs("fault_slow=1&slow_ms=150");
    world.simPost("/_sim/stats/reset");
    auto sync = world.startSync({"--stream", "notes", "--stream", "parties"});
    ASSERT_TRUE(pollUntil([&] { return simStatus(world, "200") >= 4; }, std::chrono::seconds(60)))
        << sync->stderrText();
    world.setKnobs("crm_version=7.1&fault_slow=0");
    auto code = sync->wait(std::chrono::seconds(120));
    ASSERT_TRUE(code) << sync->stderrText();
    const std::string err = sync->stderrText();
    std::cout << "[404 mid-stream] exit " << *code << "\n" << ts::tailLines(err, 6) << std::endl;
    // notes had answered: its 404 is an error of the stream (exit 5), not "unavailable", and
    // comments is not tried in the middle of a stream; parties is still synced.
    EXPECT_EQ(*code, 5) << err;
    auto runs = lastStreamRuns(world);
    EXPECT_EQ(runs["notes"].first, "failed");
    EXPECT_TRUE(has(runs["notes"].second, "/notes?")) << runs["notes"].second;
    EXPECT_TRUE(has(runs["notes"].second, "HTTP 404")) << runs["notes"].second;
    EXPECT_FALSE(has(err, "trying the next name")) << err;
    EXPECT_EQ(runs["parties"].first, "success");
    EXPECT_TRUE(compareWithSource(world, "parties").equal());
    EXPECT_GT(countRows(world.dsn(), "FROM intouch.notes"), 0) << "the pages read were kept";
}

// The other side of the rule: when the CRM as a whole is gone (here: its process stops in
// the middle of a stream and retries run out), the run ends there, exit 5, and the streams
// after it are not tried against a dead server. One stream at a time, so that "after" is
// one stream (ParallelStreams.AnErrorThatEndsTheRunStopsBothWorkers has two workers).
TEST(CrmVersions, ACrmThatIsGoneEndsTheRun) {
    INTOUCH_REQUIRE_BINARIES();
    SyncWorld world(
        SimSettings{.records = 400},
        ConfigSettings{.pageSize = 20,
                       .extraSyncLines = {"parallel_streams: 1"},
                       .extraSourceLines = {"max_attempts: 2", "initial_backoff_seconds: 0.01"}});
    ASSERT_EQ(world.migrate().exitCode, 0);
    world.setKnobs("fault_slow=1&slow_ms=150");
    world.simPost("/_sim/stats/reset");
    auto sync = world.startSync({"--stream", "notes", "--stream", "parties", "--stream", "stores"});
    ASSERT_TRUE(pollUntil([&] { return simStatus(world, "200") >= 3; }, std::chrono::seconds(60)))
        << sync->stderrText();
    world.restartSimulator(world.simSettings());  // the old one is gone; the run still points at it
    auto code = sync->wait(std::chrono::seconds(120));
    ASSERT_TRUE(code) << sync->stderrText();
    const std::string err = sync->stderrText();
    std::cout << "[CRM gone] exit " << *code << "\n" << ts::tailLines(err, 4) << std::endl;
    EXPECT_EQ(*code, 5) << err;
    EXPECT_TRUE(has(err, "gave up after 2 attempts")) << err;
    auto runs = lastStreamRuns(world);
    EXPECT_EQ(runs.size(), 1u) << "streams after notes were tried against a CRM that is gone";
    EXPECT_EQ(runs["notes"].first, "failed");
    EXPECT_EQ(world.lastRunValue("outcome"), "failed");
}
