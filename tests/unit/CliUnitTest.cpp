#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "cli/CommandLine.hpp"
#include "cli/Config.hpp"
#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "support/TempDirectory.hpp"

using intouch::testsupport::TempDirectory;

using namespace intouch;

namespace {
CommandLine parse(std::vector<const char*> args) {
    args.insert(args.begin(), "intouch-sync");
    return parseCommandLine(static_cast<int>(args.size()), args.data());
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST(CommandLine, ParsesTheContract) {
    auto cl = parse({"sync", "--config", "c.yaml", "--stream", "parties", "--stream=comm", "--full-refresh"});
    EXPECT_EQ(cl.command, "sync");
    EXPECT_EQ(cl.configPath, "c.yaml");
    EXPECT_EQ(cl.streams, (std::vector<std::string>{"parties", "comm"}));
    EXPECT_TRUE(cl.fullRefresh);
    EXPECT_TRUE(parse({"status", "--help"}).help);
}

TEST(CommandLine, ExplainsMistakes) {
    EXPECT_EQ(errorOf([] { parse({"export"}); }),
              "unknown command 'export' (commands: migrate, sync, reconcile, status, check, plan, state; see --help)");
    EXPECT_EQ(errorOf([] { parse({"sync"}); }), "`sync` needs --config FILE");
    EXPECT_EQ(errorOf([] { parse({"status", "--config", "x", "--stream", "a"}); }),
              "unknown option '--stream' for `status` (see `intouch-sync status --help`)");
}

TEST(CommandLine, HelpListsExitCodes) {
    for (const char* c : {"migrate", "sync", "status", "check"}) {
        std::string h = commandHelp(c);
        EXPECT_NE(h.find("--config FILE"), std::string::npos) << c;
        EXPECT_NE(h.find("7  another run holds the lock"), std::string::npos) << c;
    }
}

TEST(CommandLine, VersionAndHelpCommand) {
    EXPECT_EQ(parse({"--version"}).command, "version");
    EXPECT_EQ(versionText().rfind("intouch-sync 0.", 0), 0u) << versionText();
    EXPECT_NE(versionText().find("\ngit revision "), std::string::npos) << versionText();
    auto cl = parse({"help", "reconcile"});
    EXPECT_EQ(cl.command, "help");
    EXPECT_EQ(cl.helpTopic, "reconcile");
    EXPECT_EQ(parse({"help"}).helpTopic, "");
    EXPECT_EQ(errorOf([] { parse({"help", "export"}); }),
              "unknown command 'export' (commands: migrate, sync, reconcile, status, check, plan, state; see --help)");
}

TEST(CommandLine, ExplainsMissingAndBadValues) {
    EXPECT_EQ(errorOf([] { parse({"sync", "--config"}); }), "--config needs a value");
    EXPECT_EQ(errorOf([] { parse({"sync", "--config", "c", "--wait-lock", "soon"}); }),
              "--wait-lock needs a number of seconds, not 'soon'");
    EXPECT_EQ(parse({"sync", "-c", "c", "--wait-lock=2.5"}).waitLockSeconds, 2.5);
    EXPECT_EQ(errorOf([] { parse({"state", "rewind", "--config", "c"}); }),
              "unknown state command 'rewind' (show, reset or set)");
    EXPECT_EQ(errorOf([] { parse({"sync", "--config", "c", "--hard-delete"}); }),
              "unknown option '--hard-delete' for `sync` (see `intouch-sync sync --help`)");
}

namespace {
std::string writeConfig(const TempDirectory& dir, const std::string& text) {
    std::string path = (dir.path() / "sync.yaml").string();
    std::ofstream(path) << text;
    return path;
}
}  // namespace

TEST(Config, ReadsEnvironmentAndResolvesPathsAgainstTheFile) {
    TempDirectory dir;
    ::setenv("INTOUCH_TEST_PASSWORD", "s3cret", 1);
    auto path = writeConfig(dir, R"(
source:
  url: https://crm.example.cz/api
  username: api
  password: ${INTOUCH_TEST_PASSWORD}
  page_size: 500
target:
  dsn: "host=/tmp dbname=crm"
mappings: maps
streams: [parties, comm]
)");
    Config c = loadConfig(path);
    EXPECT_EQ(c.source.password, "s3cret");
    EXPECT_EQ(c.source.pageSize, 500);
    EXPECT_EQ(c.sync.pageSize, 500);
    EXPECT_EQ(c.target.schema, "intouch");
    EXPECT_EQ(c.mappingsDir, (dir.path() / "maps").string());
    EXPECT_EQ(c.migrationsDir, (dir.path() / "migrations").string());
    EXPECT_EQ(c.streams, (std::vector<std::string>{"parties", "comm"}));
}

TEST(Config, ErrorsNameFileLineAndKey) {
    TempDirectory dir;
    ::unsetenv("INTOUCH_UNSET_VAR");
    auto path = writeConfig(dir, "source:\n  url: https://x/api\n  username: u\n  password: ${INTOUCH_UNSET_VAR}\ntarget:\n  dsn: x\n");
    EXPECT_EQ(errorOf([&] { loadConfig(path); }),
              path + ":4:13: source.password: environment variable INTOUCH_UNSET_VAR is not set "
                     "(export it, or write ${INTOUCH_UNSET_VAR:-default})");
    path = writeConfig(dir, "source:\n  url: https://x/api\n  username: u\n  password: p\n  page_size: 5000\ntarget:\n  dsn: x\n");
    EXPECT_EQ(errorOf([&] { loadConfig(path); }),
              path + ":5:14: 'source.page_size' must be between 2 and 1000, not 5000");
    // A page of one record cannot overlap the previous one and move on: refused (issue 10).
    path = writeConfig(dir, "source:\n  url: https://x/api\n  username: u\n  password: p\n  page_size: 1\ntarget:\n  dsn: x\n");
    EXPECT_EQ(errorOf([&] { loadConfig(path); }),
              path + ":5:14: 'source.page_size' must be between 2 and 1000, not 1");
    path = writeConfig(dir, "source:\n  url: https://x/api\n  username: u\n  password: p\n  pagesize: 5\ntarget:\n  dsn: x\n");
    EXPECT_NE(errorOf([&] { loadConfig(path); }).find(":5:3: unknown key 'pagesize' in source"), std::string::npos);
    // Found by fuzz_config_file: a complex key (`? ...`) escaped as yaml-cpp's bad conversion,
    // an internal error (exit 1) instead of a config error naming the place.
    path = writeConfig(dir, "source:\n  url: https://x/api\n  username: u\n  password: p\ntarget:\n  dsn: x\n? schema: intouch\n");
    EXPECT_EQ(errorOf([&] { loadConfig(path); }),
              path + ":7:3: a key in the config file must be a plain word, not a list or mapping");
}

TEST(Log, RedactsRegisteredSecretsEverywhere) {
    log::addSecret("hunter22");
    EXPECT_EQ(log::redact("password=hunter22 and again hunter22"), "password=*** and again ***");
}

// Issue 16: several CRMs in one config. Without a source name only the names are read (and
// checked); loaded for one source, its settings and schema are the config's.
TEST(Config, SeveralSourcesEachWithItsSchema) {
    TempDirectory dir;
    ::unsetenv("INTOUCH_UNSET_VAR_B");
    const std::string sources = R"(sources:
  - {name: firma-a, url: "https://a.example.cz/api", username: ua, password: pa, schema: firma_a,
     page_size: 300}
  - {name: firma-b, url: "https://b.example.cz/api", username: ub, password: "${INTOUCH_UNSET_VAR_B}", schema: firma_b}
target: {dsn: "host=/tmp dbname=crm"}
)";
    auto path = writeConfig(dir, sources);
    Config all = loadConfig(path);
    EXPECT_EQ(all.sourceNames, (std::vector<std::string>{"firma-a", "firma-b"}));
    EXPECT_EQ(all.sourceName, "");
    Config a = loadConfig(path, "firma-a");
    EXPECT_EQ(a.sourceName, "firma-a");
    EXPECT_EQ(a.source.url, "https://a.example.cz/api");
    EXPECT_EQ(a.source.username, "ua");
    EXPECT_EQ(a.source.pageSize, 300);
    EXPECT_EQ(a.target.schema, "firma_a");
    // firma-b's missing variable fails firma-b only.
    EXPECT_NE(errorOf([&] { loadConfig(path, "firma-b"); }).find("sources.firma-b.password"),
              std::string::npos);
    EXPECT_EQ(errorOf([&] { loadConfig(path, "firma-c"); }),
              path + ": unknown source 'firma-c' (the config lists: firma-a, firma-b)");

    auto bad = [&](const std::string& text) { return errorOf([&] { loadConfig(writeConfig(dir, text)); }); };
    EXPECT_NE(bad("source: {url: x, username: u, password: p}\n" + sources).find(
                  "either source: (one CRM) or sources: (several), not both"),
              std::string::npos);
    std::string twice = sources;
    twice.replace(twice.find("schema: firma_b"), 15, "schema: firma_a");
    EXPECT_NE(bad(twice).find("another source uses schema 'firma_a'"), std::string::npos);
    std::string withSchema = sources;
    withSchema.replace(withSchema.find("dbname=crm\"}"), 12, "dbname=crm\", schema: intouch}");
    EXPECT_NE(bad(withSchema).find("each source names its own schema"), std::string::npos)
        << bad(withSchema);
    EXPECT_NE(bad("sources:\n  - {name: Firma A, url: x, username: u, password: p, schema: s}\n"
                  "target: {dsn: x}\n")
                  .find("source name 'Firma A' must be 1 to 40 lower-case letters"),
              std::string::npos);
    EXPECT_NE(bad("sources:\n  - {name: a, url: x, username: u, password: p, schema: s, "
                  "colour: red}\ntarget: {dsn: x}\n")
                  .find("unknown key 'colour' in a source"),
              std::string::npos);
}

TEST(CommandLine, SourceAndParallel) {
    auto cl = parse({"sync", "--config", "c.yaml", "--source", "a", "--source", "b", "--parallel", "3"});
    EXPECT_EQ(cl.sources, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(cl.parallel, 3);
    EXPECT_EQ(cl.args, (std::vector<std::string>{"sync", "--config", "c.yaml", "--source", "a",
                                                 "--source", "b", "--parallel", "3"}));
    EXPECT_EQ(errorOf([&] { parse({"status", "--config", "c.yaml", "--parallel", "0"}); }),
              "--parallel needs a number of sources of at least 1, not '0'");
}

// Issue 15: `target: {sqlite: PATH}`, relative to the config file, instead of dsn/schema.
TEST(Config, SqliteTargetIsAFileBesideTheConfigAndExcludesDsn) {
    TempDirectory dir;
    const std::string head = "source:\n  url: https://x/api\n  username: u\n  password: p\n";
    Config c = loadConfig(writeConfig(dir, head + "target:\n  sqlite: out/crm.db\n"));
    EXPECT_TRUE(c.target.isSqlite());
    EXPECT_EQ(c.target.sqlite, (dir.path() / "out/crm.db").string());
    EXPECT_TRUE(c.target.dsn.empty());
    EXPECT_EQ(loadConfig(writeConfig(dir, head + "target: {sqlite: /srv/crm.db}\n")).target.sqlite, "/srv/crm.db");

    std::string path = writeConfig(dir, head + "target:\n  dsn: x\n  sqlite: crm.db\n");
    EXPECT_EQ(errorOf([&] { loadConfig(path); }),
              path + ":7:11: target.sqlite and target.dsn exclude each other: name one database");
    path = writeConfig(dir, head + "target:\n  sqlite: crm.db\n  schema: s\n");
    EXPECT_NE(errorOf([&] { loadConfig(path); }).find("target.schema is PostgreSQL's"), std::string::npos);
    path = writeConfig(dir, head + "target:\n  schema: s\n");
    EXPECT_NE(errorOf([&] { loadConfig(path); }).find("target.dsn (PostgreSQL) or target.sqlite (a file) is required"),
              std::string::npos);
}
