#include <gtest/gtest.h>

#include <set>

#include "Mutator.h"
#include "RecordBuilder.h"

using namespace intouch::sim;

namespace {

GenerationParams small() {
    GenerationParams p;
    p.seed = 5;
    p.records = 40;
    return p;
}

int64_t modifiedOf(const RecordPtr& r) {
    return std::get<DateTime>(r->values[fieldIndex(Resource::Parties, "modified")]).epochSeconds;
}

}  // namespace

TEST(Mutator, EditsBumpModifiedAndKeepIdentity) {
    DataSet ds = DataSet::generate(small());
    Rng rng(1);
    int64_t now = 1800000000;
    Mutator m(ds, rng, [&now] { return now++; });
    const auto before = ds.table(Resource::Parties).rows();
    const auto res = m.apply(Resource::Parties, 5, 0, 0, false);
    ASSERT_EQ(res.edited.size(), 5u);
    std::set<int64_t> ids;
    for (const auto& r : res.edited) {
        ids.insert(r->id);
        EXPECT_GE(modifiedOf(r), 1800000000);
        EXPECT_EQ(ds.table(Resource::Parties).find(r->id), r);
        const auto old = std::find_if(before.begin(), before.end(),
                                      [&](const RecordPtr& b) { return b->id == r->id; });
        ASSERT_NE(old, before.end());
        EXPECT_EQ((*old)->values[fieldIndex(Resource::Parties, "entered")],
                  r->values[fieldIndex(Resource::Parties, "entered")]);
        EXPECT_EQ((*old)->values[fieldIndex(Resource::Parties, "type")],
                  r->values[fieldIndex(Resource::Parties, "type")]);
    }
    EXPECT_EQ(ids.size(), 5u) << "edits of one call hit distinct records";
    EXPECT_EQ(ds.table(Resource::Parties).rows().size(), 40u);
}

TEST(Mutator, InsertsTakeNewIdsAndDeletesNeverReuseThem) {
    DataSet ds = DataSet::generate(small());
    Rng rng(2);
    Mutator m(ds, rng, [] { return int64_t{1800000000}; });
    auto res = m.apply(Resource::Parties, 0, 2, 0, false);
    ASSERT_EQ(res.inserted.size(), 2u);
    EXPECT_EQ(res.inserted[0]->id, 41);
    EXPECT_EQ(res.inserted[1]->id, 42);
    EXPECT_EQ(std::get<DateTime>(res.inserted[0]->values[fieldIndex(Resource::Parties, "entered")])
                  .epochSeconds,
              1800000000);
    ds.table(Resource::Parties).erase(42);
    res = m.apply(Resource::Parties, 0, 1, 0, false);
    EXPECT_EQ(res.inserted[0]->id, 43);
}

TEST(Mutator, DeletesRemoveRecordsNotTouchedInTheSameCall) {
    DataSet ds = DataSet::generate(small());
    Rng rng(3);
    Mutator m(ds, rng, [] { return int64_t{1800000000}; });
    const auto res = m.apply(Resource::Parties, 10, 3, 25, false);
    EXPECT_EQ(res.edited.size(), 10u);
    EXPECT_EQ(res.inserted.size(), 3u);
    EXPECT_EQ(res.deleted.size(), 25u);
    for (const auto& d : res.deleted) {
        EXPECT_FALSE(ds.table(Resource::Parties).find(d->id));
        for (const auto& e : res.edited) EXPECT_NE(d->id, e->id);
        EXPECT_LE(d->id, 40);
    }
    EXPECT_EQ(ds.table(Resource::Parties).rows().size(), 40u + 3u - 25u);
    // Asking for more than exists deletes what there is.
    const auto rest = m.apply(Resource::Parties, 0, 0, 1000, false);
    EXPECT_EQ(rest.deleted.size(), 18u);
    EXPECT_TRUE(ds.table(Resource::Parties).rows().empty());
}

TEST(Mutator, TieSharesOneTimestamp) {
    DataSet ds = DataSet::generate(small());
    Rng rng(4);
    int64_t now = 1800000000;
    Mutator m(ds, rng, [&now] { return now++; });
    const auto res = m.apply(Resource::Parties, 4, 2, 0, true);
    for (const auto& r : res.edited) EXPECT_EQ(modifiedOf(r), 1800000000);
    for (const auto& r : res.inserted) EXPECT_EQ(modifiedOf(r), 1800000000);
    const auto apart = m.apply(Resource::Parties, 3, 0, 0, false);
    EXPECT_NE(modifiedOf(apart.edited[0]), modifiedOf(apart.edited[2]));
}

TEST(Mutator, RandomMixFollowsWeights) {
    DataSet ds = DataSet::generate(small());
    Rng rng(5);
    Mutator m(ds, rng, [] { return int64_t{1800000000}; });
    const auto onlyInserts = m.random(Resource::Comm, 7, {0, 1, 0});
    EXPECT_EQ(onlyInserts.inserted.size(), 7u);
    EXPECT_TRUE(onlyInserts.edited.empty() && onlyInserts.deleted.empty());
    const auto mix = m.random(Resource::Comm, 300, {60, 25, 15});
    EXPECT_GT(mix.edited.size(), mix.inserted.size());
    EXPECT_GT(mix.inserted.size(), mix.deleted.size());
    EXPECT_GT(mix.deleted.size(), 0u);
    EXPECT_TRUE(m.random(Resource::Comm, 5, {0, 0, 0}).edited.empty());
}

TEST(Mutator, MembersMutateAsPairs) {
    DataSet ds = DataSet::generate(small());
    Rng rng(6);
    Mutator m(ds, rng, [] { return int64_t{1800000000}; });
    const auto before = ds.table(Resource::Members).rows().size();
    const auto res = m.apply(Resource::Members, 1, 2, 1, false);
    EXPECT_EQ(res.edited.size(), 1u);
    EXPECT_EQ(res.inserted.size(), 2u);
    EXPECT_EQ(res.deleted.size(), 1u);
    EXPECT_EQ(ds.table(Resource::Members).rows().size(), before + 1);
}
