// `since:` / `until:` and `endpoints:` (issue 18): which CRM versions serve a stream and under
// which names, read from the mapping file with every mistake reported at its file and line.

#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/MappingLoader.hpp"

using namespace intouch;

namespace {

const std::string kNotes = R"(stream: notes
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: note, source: note, type: text}
  - {name: modified, source: modified, type: timestamptz}
)";

std::vector<std::string> problems(const std::string& yaml) {
    test::ScratchDir dir;
    const std::string path = dir.write("F.yaml", yaml);
    try {
        loadMappingFile(path);
    } catch (const MappingSpecError& e) {
        std::vector<std::string> out;
        const std::string prefix = dir.path().string() + "/";
        for (auto p : e.problems()) {
            for (std::size_t at; (at = p.find(prefix)) != std::string::npos;)
                p.erase(at, prefix.size());
            out.push_back(p);
        }
        return out;
    }
    return {};
}

std::string problem(const std::string& yaml) {
    auto p = problems(yaml);
    if (p.size() != 1) {
        std::string all;
        for (const auto& s : p) all += "\n  " + s;
        return "expected exactly one problem, got " + std::to_string(p.size()) + ":" + all;
    }
    return p[0];
}

StreamSpec load(const std::string& yaml) {
    test::ScratchDir dir;
    return loadMappingFile(dir.write("F.yaml", yaml));
}

}  // namespace

TEST(CrmVersion, ParsesComparesAndDescribes) {
    EXPECT_EQ(parseCrmVersion("6.5"), (CrmVersion{6, 5}));
    EXPECT_EQ(parseCrmVersion("7"), (CrmVersion{7}));
    EXPECT_EQ(parseCrmVersion("7.1.2.1234"), (CrmVersion{7, 1, 2, 1234}));
    for (const char* bad : {"", "6.", ".5", "6..5", "6.5a", "v6", "-1", "1.2.3.4.5", "6,5"})
        EXPECT_FALSE(parseCrmVersion(bad)) << bad;
    EXPECT_EQ(compareCrmVersions({6, 5}, {6, 5, 0, 0}), 0);
    EXPECT_LT(compareCrmVersions({6, 2, 0, 1234}, {6, 5}), 0);
    EXPECT_GT(compareCrmVersions({6, 10}, {6, 9}), 0);
    VersionRange r;
    r.since = CrmVersion{6, 5};
    EXPECT_FALSE(r.admits({6, 2, 0, 1234}));
    EXPECT_TRUE(r.admits({6, 5, 0, 1}));
    EXPECT_TRUE(r.admits({}));  // unknown: nothing can be ruled out
    EXPECT_EQ(r.describe(), "from CRM 6.5 on");
    r.until = CrmVersion{7};
    EXPECT_FALSE(r.admits({7, 0, 0, 1}));
    EXPECT_TRUE(r.admits({6, 9}));
    EXPECT_EQ(r.describe(), "from CRM 6.5 on and before CRM 7");
}

TEST(VersionMapping, SinceAndUntilAreRead) {
    const StreamSpec s = load(kNotes + "since: \"6.5\"\nuntil: 8\n");
    ASSERT_TRUE(s.versions.since);
    EXPECT_EQ(*s.versions.since, (CrmVersion{6, 5}));
    EXPECT_EQ(*s.versions.until, (CrmVersion{8}));
    EXPECT_TRUE(s.endpoints.empty());
    EXPECT_FALSE(load(kNotes).versions.declared());
}

TEST(VersionMapping, EndpointsWithVersionsAndSourcesAreRead) {
    const StreamSpec s = load(kNotes + R"(endpoints:
  - notes
  - {name: comments, since: "7.0", sources: {note: comment}}
)");
    ASSERT_EQ(s.endpoints.size(), 2u);
    EXPECT_EQ(s.endpoint, "notes");
    EXPECT_EQ(s.endpoints[0].name, "notes");
    EXPECT_FALSE(s.endpoints[0].versions.declared());
    EXPECT_EQ(s.endpoints[1].name, "comments");
    EXPECT_EQ(*s.endpoints[1].versions.since, (CrmVersion{7, 0}));
    ASSERT_EQ(s.endpoints[1].sources.size(), 1u);
    EXPECT_EQ(s.endpoints[1].sources[0], (std::pair<std::string, std::string>{"note", "comment"}));

    // The stream as read from comments: that endpoint, the text from `comment`.
    const StreamSpec c = s.atEndpoint(s.endpoints[1]);
    EXPECT_EQ(c.endpoint, "comments");
    EXPECT_EQ(c.findColumn("note")->sourcePath, "comment");
    EXPECT_EQ(c.findColumn("id")->sourcePath, "id");
    EXPECT_EQ(s.findColumn("note")->sourcePath, "note") << "the original is left alone";
}

TEST(VersionMappingErrors, BadVersionsNameFileAndLine) {
    EXPECT_EQ(problem(kNotes + "since: six\n"),
              "F.yaml:8:8: since 'six' is not a CRM version — write it as /api/about numbers it, "
              "e.g. since: \"6.5\" or since: \"7.1.2\"");
    EXPECT_EQ(problem(kNotes + "since: \"7.0\"\nuntil: \"6.5\"\n"),
              "F.yaml:9:8: until 6.5 is not after since 7.0 — `until` is the first version that "
              "no longer serves it, so it must be later than `since`");
    EXPECT_EQ(problem(kNotes + "sincе: 6.5\n").substr(0, 9),
              "F.yaml:8:");  // Cyrillic е: unknown key
}

TEST(VersionMappingErrors, BadEndpointsNameFileAndLine) {
    EXPECT_EQ(problem(kNotes + "endpoint: notes\nendpoints: [notes, comments]\n"),
              "F.yaml:9:1: a stream names either one endpoint: or a list of endpoints:, not both "
              "— move the endpoint into the list");
    EXPECT_EQ(problem(kNotes + "endpoints: []\n"),
              "F.yaml:8:12: 'endpoints' must be a non-empty list of the names the CRM serves this "
              "stream under — write endpoints: [{name: notes}, {name: comments, sources: {note: "
              "comment}}]");
    EXPECT_EQ(
        problem(kNotes + "endpoints:\n  - notes\n  - notes\n"),
        "F.yaml:10:5: endpoint 'notes' is already listed at F.yaml:9:5 — list each name once");
    EXPECT_EQ(problem(kNotes + "endpoints:\n  - /api/notes\n"),
              "F.yaml:9:5: endpoint '/api/notes' must be a path under the API root, without a "
              "leading '/' or a query — write e.g. endpoint: parties, and put parameters under "
              "params:");
    EXPECT_EQ(problem(kNotes + "endpoints:\n  - {name: comments, sources: {nite: comment}}\n"),
              "F.yaml:9:32: column 'nite' in sources is not one of the mapped columns — did you "
              "mean 'note'?");
    EXPECT_EQ(problem(kNotes + "endpoints:\n  - {name: comments, since: x7}\n"),
              "F.yaml:9:29: since 'x7' is not a CRM version — write it as /api/about numbers it, "
              "e.g. since: \"6.5\" or since: \"7.1.2\"");
    EXPECT_EQ(problem(kNotes + "endpoints:\n  - {name: comments, sourcse: {note: comment}}\n")
                  .substr(0, 10),
              "F.yaml:9:2");
    EXPECT_EQ(problem(kNotes + "endpoints:\n  - {name: comments, sources: {note: \"a[\"}}\n")
                  .rfind("F.yaml:9:38: bad source path 'a[': ", 0),
              0u);
}

TEST(VersionMapping, ShippedNotesAndMembersDeclareTheirVersions) {
    const auto specs = loadMappingDirectory(std::string(INTOUCH_SOURCE_DIR) + "/mappings");
    const StreamSpec* notes = nullptr;
    const StreamSpec* members = nullptr;
    for (const auto& s : specs) {
        if (s.name == "notes") notes = &s;
        if (s.name == "members") members = &s;
        if (s.name != "members") {
            EXPECT_FALSE(s.versions.declared()) << s.name;
        }
    }
    ASSERT_TRUE(notes && members);
    ASSERT_EQ(notes->endpoints.size(), 2u);
    EXPECT_EQ(notes->endpoints[0].name, "notes");
    EXPECT_EQ(notes->endpoints[1].name, "comments");
    EXPECT_EQ(notes->atEndpoint(notes->endpoints[1]).findColumn("note")->sourcePath, "comment");
    EXPECT_EQ(notes->atEndpoint(notes->endpoints[0]).findColumn("note")->sourcePath, "note");
    ASSERT_TRUE(members->versions.since);
    EXPECT_EQ(*members->versions.since, (CrmVersion{6, 5}));
    EXPECT_FALSE(members->versions.until);
}
