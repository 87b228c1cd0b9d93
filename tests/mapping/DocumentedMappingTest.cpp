// Issue 16: `description:` of tables and columns, `decode:` / `code_set:` of coded columns,
// and the COMMENT and current-view SQL derived from them.

#include <gtest/gtest.h>

#include "TestSupport.hpp"
#include "mapping/CodeListSource.hpp"
#include "mapping/CurrentView.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/TableComments.hpp"

using namespace intouch;

namespace {

const std::string kHead = R"(stream: things
description: "Things (věci) of the CRM."
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true, description: Thing id.}
  - {name: modified, source: modified, type: timestamptz}
)";

const std::string kLists = R"(stream: lists
primary_key: [id]
sync_mode: full_replace
paging: array
columns:
  - {name: id, source: id, type: text, required: true}
children:
  - table: lists_items
    source: items
    columns:
      - {name: name, source: name, type: text}
      - {name: value, source: value, type: text}
)";

// The problems of loading `yaml` as F.yaml (beside the lists stream), directory stripped.
std::vector<std::string> problems(const std::string& yaml, bool withLists = true) {
    test::ScratchDir dir;
    dir.write("F.yaml", yaml);
    if (withLists) dir.write("lists.yaml", kLists);
    try {
        loadMappingDirectory(dir.path().string());
    } catch (const MappingSpecError& e) {
        std::vector<std::string> out;
        const std::string prefix = dir.path().string() + "/";
        for (auto p : e.problems()) out.push_back(p.rfind(prefix, 0) == 0 ? p.substr(prefix.size()) : p);
        return out;
    }
    return {};
}

std::vector<StreamSpec> loadBoth(const std::string& yaml) {
    test::ScratchDir dir;
    dir.write("F.yaml", yaml);
    dir.write("lists.yaml", kLists);
    return loadMappingDirectory(dir.path().string());
}

const StreamSpec& things(const std::vector<StreamSpec>& specs) {
    return specs[0].name == "things" ? specs[0] : specs[1];
}

}  // namespace

TEST(DocumentedMapping, DescriptionsAndDecodesAreRead) {
    const auto specs = loadBoth(
        kHead +
        "  - {name: kind, source: kind, type: text, decode: kinds, description: \"What: it's 'x'\"}\n"
        "  - {name: tags, source: tags, type: text, decode: tags, code_set: true}\n"
        "  - {name: tag_ids, source: tagIds, type: 'bigint[]', decode: tags}\n"
        "  - {name: level, source: level, type: integer, decode: levels}\n"
        "children:\n  - table: things_parts\n    source: parts\n    description: Parts.\n"
        "    columns: [{name: x, source: x, type: text, description: X.}]\n");
    const StreamSpec& s = things(specs);
    EXPECT_EQ(s.description, "Things (věci) of the CRM.");
    EXPECT_EQ(s.columns[0].description, "Thing id.");
    EXPECT_EQ(s.columns[2].description, "What: it's 'x'");
    EXPECT_EQ(s.columns[2].decode, "kinds");
    EXPECT_EQ(s.columns[2].labelColumn(), "kind_label");
    EXPECT_EQ(s.columns[3].labelColumn(), "tags_labels");
    EXPECT_TRUE(s.columns[4].codeSet) << "an array is always a set of codes";
    EXPECT_EQ(s.columns[4].labelColumn(), "tag_ids_labels");
    EXPECT_EQ(s.columns[5].labelColumn(), "level_label");
    EXPECT_EQ(s.columns[1].labelColumn(), "");
    EXPECT_EQ(s.children[0].description, "Parts.");
    EXPECT_EQ(s.children[0].columns[0].description, "X.");
}

TEST(DocumentedMapping, BadKeysAndValuesAreRefusedWithTheirPlace) {
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: text, descripton: X}\n"),
              std::vector<std::string>{"F.yaml:8:38: unknown key 'descripton' in a column — did "
                                       "you mean 'description'?"});
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: date, decode: days}\n"),
              std::vector<std::string>{"F.yaml:8:46: column 'x' has type date, which holds no "
                                       "codes — decode text, integer, bigint, text[] or bigint[] "
                                       "columns"});
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: integer, decode: a, code_set: true}\n"),
              std::vector<std::string>{"F.yaml:8:49: column 'x' has type integer, which holds no "
                                       "codes — a code set must be text (comma-separated), text[] "
                                       "or bigint[]"});
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: text, code_set: true}\n"),
              std::vector<std::string>{"F.yaml:8:38: code_set needs decode — add decode: LIST_ID "
                                       "or remove code_set"});
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: text, description: [a, b]}\n"),
              std::vector<std::string>{"F.yaml:8:51: 'description' must be a single value — write "
                                       "description: WHAT THE COLUMN HOLDS"});
    EXPECT_EQ(problems(kHead + "  - {name: x, source: x, type: text, decode: xs}\n"
                               "  - {name: x_label, source: y, type: text}\n"),
              std::vector<std::string>{"F.yaml:8:12: column 'x' is decoded, and its label column "
                                       "'x_label' clashes with a column of the same name — rename "
                                       "that column"});
}

TEST(DocumentedMapping, DecodingNeedsTheCodeListsStream) {
    const auto p = problems(kHead + "  - {name: x, source: x, type: text, decode: xs}\n", false);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("F.yaml:8:46: column 'x' decodes its codes with list 'xs', but no mapping "
                        "stores the code lists"),
              std::string::npos)
        << p[0];
    EXPECT_TRUE(problems(kHead, false).empty()) << "no decode, no lists needed";
}

TEST(DocumentedMapping, CommentsCoverEveryColumnAndSayWhereCodesAreDecoded) {
    const auto specs = loadBoth(
        kHead + "  - {name: tags, source: tags, type: text, decode: tags, code_set: true, "
                "description: Tags c1..c9.}\n");
    const auto comments = tableComments(things(specs));
    ASSERT_EQ(comments.size(), 1u);
    const TableComments& t = comments[0];
    EXPECT_EQ(t.table, "things");
    EXPECT_EQ(t.comment, "Things (věci) of the CRM.");
    std::vector<std::string> names;
    for (const auto& [column, text] : t.columns) names.push_back(column);
    EXPECT_EQ(names, (std::vector<std::string>{"id", "tags", "extra", "record_hash", "synced_at",
                                               "deleted_at"}))
        << "modified has no description";
    EXPECT_EQ(t.columns[1].second,
              "Tags c1..c9. Codes of code list 'tags' (the lists stream); decoded in "
              "things_current.tags_labels.");
    EXPECT_EQ(commentOnColumnSql("t", "c", "it's"), "COMMENT ON COLUMN \"t\".\"c\" IS 'it''s';\n");
    EXPECT_EQ(commentOnTableSql("t", "a\\b"), "COMMENT ON TABLE \"t\" IS E'a\\\\b';\n");
}

TEST(DocumentedMapping, TheCurrentViewFollowsTheTableAndPutsLabelsAfterTheirCodes) {
    const auto specs = loadBoth(
        kHead + "  - {name: tags, source: tags, type: text, decode: tags, code_set: true}\n"
                "  - {name: kind, source: kind, type: text, decode: kinds}\n"
                "children:\n  - {table: things_parts, source: parts, columns: "
                "[{name: x, source: x, type: text}]}\n");
    const auto lists = findCodeListSource(specs);
    ASSERT_TRUE(lists);
    EXPECT_EQ(lists->itemsTable, "lists_items");
    EXPECT_EQ(lists->listColumn, "parent_id");
    const auto views = currentViews(things(specs), lists);
    ASSERT_EQ(views.size(), 2u);
    EXPECT_EQ(views[0].name, "things_current");
    EXPECT_EQ(views[0].columns,
              (std::vector<std::string>{"id", "modified", "tags", "tags_labels", "kind",
                                        "kind_label", "extra", "synced_at"}));
    EXPECT_NE(views[0].selectSql.find("WHERE t.\"deleted_at\" IS NULL"), std::string::npos);
    EXPECT_NE(views[0].selectSql.find("l.\"parent_id\" = 'kinds'"), std::string::npos);
    EXPECT_EQ(views[1].name, "things_parts_current");
    EXPECT_EQ(views[1].columns, (std::vector<std::string>{"parent_id", "idx", "x", "extra"}));
    EXPECT_NE(views[1].selectSql.find("p.\"deleted_at\" IS NULL"), std::string::npos);
    // The fingerprint changes with the definition and ends the view's comment.
    const auto plain = currentViews(things(loadBoth(kHead)), lists);
    EXPECT_NE(plain[0].fingerprint, views[0].fingerprint);
    const std::string tag = viewFingerprintTag(views[0].fingerprint);
    EXPECT_EQ(views[0].comments.comment.substr(views[0].comments.comment.size() - tag.size()), tag);
    EXPECT_NE(createViewSql(views[0]).find("CREATE OR REPLACE VIEW \"things_current\" AS\nSELECT "),
              std::string::npos);
}
