// Issue 4, "every command, before it writes, validates all mapping files ... each error
// names the file, line and column and says how to fix it".

#include <gtest/gtest.h>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "FeatureMapping.hpp"

namespace intouch::e2e {
namespace {

// Problems a user makes, one per line, each found at a position the test computes from
// the text itself.
const char* kBadParties = R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
colums_typo: 1
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: birthday, source: birthday, type: datetime}
  - {name: city, source: city, type: text}
  - {name: city, source: cityM, type: text}
  - {name: email, source: 'contacts[type=EMAIL.value', type: text}
  - {name: modified, source: modified, type: timestamptz, required: true, transfrom: [trim]}
)YAML";

const char* kBadLists = R"YAML(stream: lists
table: crm_lists
primary_key: [code]
sync_mode: full_replace
paging: array
columns:
  - {name: id, source: id, type: text, required: true}
  - {name: total, source: total, type: 'numeric(3,5)'}
)YAML";

struct Problem {
    std::string file;
    std::string token;       // the offending text; the error must point at it
    int occurrence;          // which occurrence of token in the file (1-based)
    std::string substance;   // what the message must say
};

const std::vector<Problem> kProblems = {
    {"parties.yaml", "colums_typo", 1, "unknown key 'colums_typo'"},
    {"parties.yaml", "datetime", 1, "unknown type 'datetime'"},
    {"parties.yaml", "city, source: cityM", 1, "'city'"},
    {"parties.yaml", "'contacts[type=EMAIL.value'", 1, "contacts[type=EMAIL.value"},
    {"parties.yaml", "transfrom", 1, "transforms"},
    {"lists.yaml", "code", 1, "'code'"},
    {"lists.yaml", "'numeric(3,5)'", 1, "numeric(3,5)"},
};

// "LINE:COL" (1-based) of the n-th occurrence of token in text.
std::string positionOf(const std::string& text, const std::string& token, int occurrence) {
    std::size_t at = std::string::npos;
    for (int i = 0; i < occurrence; ++i) {
        at = text.find(token, at == std::string::npos ? 0 : at + 1);
        if (at == std::string::npos) throw std::logic_error("token not in the test's file: " + token);
    }
    int line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < at; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return std::to_string(line) + ":" + std::to_string(at - lineStart + 1);
}

// The error lines must name each problem as FILE:LINE:COL: ... with its substance.
void expectEveryProblemReported(const E2eWorld& w, const std::string& output, const std::string& what) {
    for (const auto& p : kProblems) {
        const std::string text = p.file == "parties.yaml" ? kBadParties : kBadLists;
        const std::string prefix =
            (w.mappingsDir() / p.file).string() + ":" + positionOf(text, p.token, p.occurrence) + ": ";
        bool found = false;
        for (const auto& line : linesStartingWith(output, prefix)) found = found || contains(line, p.substance);
        // The first error follows the program's "intouch-sync: " prefix on the same line.
        for (const auto& line : linesStartingWith(output, "intouch-sync: " + prefix))
            found = found || contains(line, p.substance);
        EXPECT_TRUE(found) << what << ": no line '" << prefix << "...' mentioning " << p.substance << " in:\n"
                           << output;
    }
}

long userRelations(const E2eWorld& w) {
    return w.scalarLong(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
}

TEST(Validation, EveryCommandRefusesMalformedMappingsWithFileLineColumnAndWritesNothing) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    // One good file next to the bad ones: the good one does not make anything run.
    w.writeMapping("comm.yaml", featureMappings()[2].yaml);
    w.writeMapping("parties.yaml", kBadParties);
    w.writeMapping("lists.yaml", kBadLists);

    const std::vector<std::vector<std::string>> commands = {
        {"migrate"}, {"sync"},  {"sync", "--stream", "comm"}, {"reconcile"}, {"status"},
        {"check"},   {"plan"},  {"state", "show"},            {"state", "reset", "--stream", "comm"}};
    for (const auto& args : commands) {
        std::string what;
        for (const auto& a : args) what += (what.empty() ? "" : " ") + a;
        auto p = w.run(args);
        EXPECT_EQ(p.exitCode, 2) << what << "\n" << describe(p);
        expectEveryProblemReported(w, p.stderrText, what);
    }
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'intouch'"), 0)
        << "a command created the schema";
    EXPECT_EQ(userRelations(w), 0) << "a command created a table";
    auto stats = w.sim().get("/_sim/stats");
    ASSERT_EQ(stats.status, 200);
    EXPECT_TRUE(contains(stats.body, "\"requests\":0")) << "the CRM was contacted: " << stats.body;
}

TEST(Validation, ABrokenMappingStopsSyncOfEveryStreamBeforeItWritesAnything) {
    INTOUCH_REQUIRE_SIMULATOR();
    E2eWorld w;
    w.writeMapping("comm.yaml", featureMappings()[2].yaml);
    ASSERT_EQ(w.planAndMigrate("0002_comm.sql"), "");
    auto sync = w.run({"sync"});
    ASSERT_EQ(sync.exitCode, 0) << describe(sync);

    const std::string snapshotSql =
        "SELECT (SELECT count(*) FROM intouch.crm_comm)::text || ' ' || "
        "(SELECT md5(string_agg(id || record_hash || synced_at::text, ',' ORDER BY id)) FROM intouch.crm_comm) "
        "|| ' ' || (SELECT count(*) FROM intouch.sync_runs)::text || ' ' || "
        "(SELECT md5(string_agg(stream || coalesce(cursor_modified::text, '') || updated_at::text, ',')) "
        "FROM intouch.sync_state)";
    const auto before = pg::queryScalarText(w.dsn(), snapshotSql);

    // The CRM has news for comm, but another mapping file is broken now.
    w.mutate("stream=comm&edits=10&inserts=2");
    w.writeMapping("parties.yaml", kBadParties);
    w.writeMapping("lists.yaml", kBadLists);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sync"}, std::vector<std::string>{"sync", "--stream", "comm"},
          std::vector<std::string>{"sync", "--full-refresh", "--stream", "comm"}}) {
        auto p = w.run(args);
        EXPECT_EQ(p.exitCode, 2) << describe(p);
        expectEveryProblemReported(w, p.stderrText, args.back());
    }
    EXPECT_EQ(pg::queryScalarText(w.dsn(), snapshotSql), before) << "rows, runs or checkpoints changed";
}

}  // namespace
}  // namespace intouch::e2e
