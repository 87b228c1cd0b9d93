#include <gtest/gtest.h>

#include "PagingRequest.h"

using namespace intouch::sim;

namespace {

PagingRequest ok(const QueryParams& q) {
    auto r = parsePagingRequest(q);
    EXPECT_TRUE(std::holds_alternative<PagingRequest>(r));
    return std::get<PagingRequest>(r);
}

std::string problemField(const QueryParams& q) {
    auto r = parsePagingRequest(q);
    if (!std::holds_alternative<ParamProblem>(r)) return "<accepted>";
    return std::get<ParamProblem>(r).field;
}

}  // namespace

TEST(PagingRequest, DefaultsAsDocumented) {
    const auto p = ok({});
    EXPECT_EQ(p.position, 0);
    EXPECT_EQ(p.size, 20);
    EXPECT_FALSE(p.orderBy);
    EXPECT_FALSE(p.desc);
}

TEST(PagingRequest, ReadsAllParametersAndIgnoresUnknownOnes) {
    const auto p = ok({{"position", "60"},
                       {"size", "1000"},
                       {"orderBy", "modified"},
                       {"desc", "true"},
                       {"x", "y"}});
    EXPECT_EQ(p.position, 60);
    EXPECT_EQ(p.size, 1000);
    EXPECT_EQ(p.orderBy, "modified");
    EXPECT_TRUE(p.desc);
}

TEST(PagingRequest, RejectsBadValuesNamingTheField) {
    EXPECT_EQ(problemField({{"size", "0"}}), "size");
    EXPECT_EQ(problemField({{"size", "1001"}}), "size");
    EXPECT_EQ(problemField({{"size", "-5"}}), "size");
    EXPECT_EQ(problemField({{"size", "12.5"}}), "size");
    EXPECT_EQ(problemField({{"size", ""}}), "size");
    EXPECT_EQ(problemField({{"size", "+5"}}), "size");
    EXPECT_EQ(problemField({{"size", "99999999999999999999999"}}), "size");
    EXPECT_EQ(problemField({{"position", "-1"}}), "position");
    EXPECT_EQ(problemField({{"position", "abc"}}), "position");
    EXPECT_EQ(problemField({{"position", " 1"}}), "position");
    EXPECT_EQ(problemField({{"desc", "yes"}}), "desc");
    EXPECT_EQ(problemField({{"desc", "1"}}), "desc");
    EXPECT_EQ(problemField({{"desc", "TRUE"}}), "desc");
    EXPECT_EQ(problemField({{"orderBy", ""}}), "orderBy");
}

TEST(PagingRequest, BoundariesAreAccepted) {
    EXPECT_EQ(ok({{"size", "1"}}).size, 1);
    EXPECT_EQ(ok({{"position", "0"}}).position, 0);
    EXPECT_EQ(ok({{"position", "999999999"}}).position, 999999999);
}

TEST(PagingRequest, FilesDefaultToNewestFirstAndIgnorePaging) {
    auto r = parseFilesRequest({{"position", "-1"}, {"size", "0"}});
    ASSERT_TRUE(std::holds_alternative<PagingRequest>(r));
    EXPECT_EQ(std::get<PagingRequest>(r).orderBy, "modified");
    EXPECT_TRUE(std::get<PagingRequest>(r).desc);
    auto asc = parseFilesRequest({{"orderBy", "name"}, {"desc", "false"}});
    EXPECT_EQ(std::get<PagingRequest>(asc).orderBy, "name");
    EXPECT_FALSE(std::get<PagingRequest>(asc).desc);
    EXPECT_TRUE(std::holds_alternative<ParamProblem>(parseFilesRequest({{"desc", "no"}})));
}
