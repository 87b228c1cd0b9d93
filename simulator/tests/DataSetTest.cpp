#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "DataSet.h"
#include "RecordBuilder.h"
#include "RecordView.h"
#include "TimestampPlan.h"

using namespace intouch::sim;

namespace {

GenerationParams params(uint64_t seed, int64_t records, int64_t tie = 1,
                        DateTimeFormat f = DateTimeFormat::IsoOffset) {
    GenerationParams p;
    p.seed = seed;
    p.records = records;
    p.tieSize = tie;
    p.format = f;
    return p;
}

std::string dumpAll(const DataSet& ds) {
    std::string out;
    for (Resource r : allResources())
        for (const auto& rec : ds.table(r).rows())
            out += recordJson(schemaFor(r), *rec, RecordView{}, DateTimeFormat::IsoOffset) + "\n";
    return out;
}

int64_t dt(const Record& r, Resource res, const char* field) {
    return std::get<DateTime>(r.values[fieldIndex(res, field)]).epochSeconds;
}

}  // namespace

TEST(DataSet, SameSeedSameDataOtherSeedOtherData) {
    const auto a = dumpAll(DataSet::generate(params(7, 120)));
    EXPECT_EQ(a, dumpAll(DataSet::generate(params(7, 120))));
    EXPECT_NE(a, dumpAll(DataSet::generate(params(8, 120))));
}

TEST(DataSet, StreamSizesScaleWithRecords) {
    const DataSet ds = DataSet::generate(params(1, 300));
    EXPECT_EQ(ds.table(Resource::Parties).rows().size(), 300u);
    EXPECT_EQ(ds.table(Resource::Comm).rows().size(), 300u);
    EXPECT_EQ(ds.table(Resource::Opportunities).rows().size(), 150u);
    EXPECT_EQ(ds.table(Resource::Buscases).rows().size(), 150u);
    EXPECT_EQ(ds.table(Resource::Invoices).rows().size(), 150u);
    EXPECT_EQ(ds.table(Resource::Products).rows().size(), 35u);
    EXPECT_EQ(ds.table(Resource::Stores).rows().size(), 5u);
    EXPECT_EQ(ds.table(Resource::Notes).rows().size(), 150u);
    EXPECT_EQ(ds.table(Resource::Files).rows().size(), 75u);
    EXPECT_EQ(ds.table(Resource::Members).rows().size(), 100u);
}

TEST(DataSet, EmptyDataSetIsValid) {
    const DataSet ds = DataSet::generate(params(1, 0));
    EXPECT_TRUE(ds.table(Resource::Parties).rows().empty());
    EXPECT_EQ(ds.table(Resource::Products).rows().size(), 5u);  // products = records/10 + 5
}

TEST(DataSet, TimestampsAreOrderedAsDocumented) {
    const DataSet ds = DataSet::generate(params(3, 500));
    for (Resource r : allResources()) {
        if (!schemaFor(r).hasModified) continue;
        const auto& rows = ds.table(r).rows();
        int64_t prevEntered = INT64_MIN;
        std::vector<int64_t> modified;
        for (const auto& rec : rows) {
            const int64_t e = dt(*rec, r, "entered"), m = dt(*rec, r, "modified");
            EXPECT_GE(e, prevEntered) << resourceName(r) << " entered must grow with id";
            EXPECT_GE(m, e);
            EXPECT_LT(m, kBaseInstant);
            prevEntered = e;
            modified.push_back(m);
        }
        if (rows.size() > 20) {
            EXPECT_FALSE(std::is_sorted(modified.begin(), modified.end())) << resourceName(r);
        }
    }
}

TEST(DataSet, TieSizeGroupsShareOneModified) {
    for (int64_t k : {1, 4}) {
        const DataSet ds = DataSet::generate(params(5, 403, k));
        std::map<int64_t, int> counts;
        for (const auto& rec : ds.table(Resource::Parties).rows())
            ++counts[dt(*rec, Resource::Parties, "modified")];
        int partial = 0;
        for (const auto& [t, n] : counts) {
            if (n != k) ++partial;
            EXPECT_LE(n, k);
        }
        EXPECT_LE(partial, 1) << "only the last group may be smaller";
        EXPECT_EQ(counts.size(), static_cast<std::size_t>((403 + k - 1) / k));
    }
}

TEST(DataSet, IncludesBothOccurrencesOfTheRepeatedAutumnHour) {
    const DataSet ds = DataSet::generate(params(9, 1000));
    std::set<std::string> modified;
    for (const auto& rec : ds.table(Resource::Parties).rows())
        modified.insert(
            formatDateTime(dt(*rec, Resource::Parties, "modified"), DateTimeFormat::IsoOffset));
    EXPECT_TRUE(modified.count("2024-10-27T02:30:00+02:00"));
    EXPECT_TRUE(modified.count("2024-10-27T02:30:00+01:00"));
    EXPECT_TRUE(modified.count("2024-03-31T01:59:59+01:00"));
    EXPECT_TRUE(modified.count("2024-03-31T03:00:00+02:00"));
}

TEST(DataSet, IsoLocalDataAvoidsAmbiguousInstants) {
    const DataSet ds = DataSet::generate(params(9, 1000, 1, DateTimeFormat::IsoLocal));
    int edges = 0;
    for (Resource r : allResources()) {
        if (!schemaFor(r).hasModified) continue;
        for (const auto& rec : ds.table(r).rows()) {
            EXPECT_FALSE(isAmbiguousLocal(dt(*rec, r, "modified")));
            EXPECT_FALSE(isAmbiguousLocal(dt(*rec, r, "entered")));
            edges += formatDateTime(dt(*rec, r, "modified"), DateTimeFormat::IsoLocal) ==
                     "2024-10-27T03:00:00";
        }
    }
    EXPECT_GT(edges, 0) << "the edge just after the repeated hour is still present";
}

TEST(DataSet, TextsAreRealisticallyNasty) {
    const DataSet ds = DataSet::generate(params(42, 1000));
    std::size_t longest = 0;
    bool quote = false, backslash = false, newline = false, diacritics = false, emoji = false,
         control = false;
    for (const auto& rec : ds.table(Resource::Parties).rows()) {
        const auto& c = rec->values[fieldIndex(Resource::Parties, "comment")];
        if (!std::holds_alternative<std::string>(c)) continue;
        const auto& s = std::get<std::string>(c);
        longest = std::max(longest, s.size());
        quote |= s.find('"') != std::string::npos;
        backslash |= s.find('\\') != std::string::npos;
        newline |= s.find('\n') != std::string::npos;
        diacritics |= s.find("ř") != std::string::npos;
        emoji |= s.find("👍") != std::string::npos || s.find("😀") != std::string::npos;
        control |= std::any_of(s.begin(), s.end(), [](char ch) {
            return ch > 0 && ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t';
        });
    }
    EXPECT_GT(longest, 5000u);
    EXPECT_TRUE(quote && backslash && newline && diacritics && emoji && control);
}

TEST(DataSet, MoneyIsConsistent) {
    const DataSet ds = DataSet::generate(params(42, 200));
    for (const auto& rec : ds.table(Resource::Opportunities).rows()) {
        auto cents = [&](const char* f) {
            return std::get<Decimal>(rec->values[fieldIndex(Resource::Opportunities, f)]).cents;
        };
        EXPECT_EQ(cents("profit"), cents("amount") - cents("expense"));
        EXPECT_EQ(cents("intlProfit"), cents("intlAmount") - cents("intlExpense"));
    }
}

TEST(DataSet, MembersAreUniquePairsOfExistingParties) {
    const DataSet ds = DataSet::generate(params(4, 300));
    std::set<std::pair<int64_t, int64_t>> pairs;
    for (const auto& rec : ds.table(Resource::Members).rows()) {
        const int64_t org = std::get<int64_t>(rec->values[0]),
                      member = std::get<int64_t>(rec->values[1]);
        EXPECT_NE(org, member);
        EXPECT_TRUE(ds.table(Resource::Parties).find(org));
        EXPECT_TRUE(ds.table(Resource::Parties).find(member));
        EXPECT_TRUE(pairs.emplace(org, member).second);
    }
}

TEST(DataSet, PrecomputedJsonEqualsRenderedJson) {
    GenerationParams p = params(11, 60);
    p.precompute = true;
    const DataSet ds = DataSet::generate(p);
    for (Resource r : allResources()) {
        for (const auto& rec : ds.table(r).rows()) {
            ASSERT_FALSE(rec->cachedJson.empty());
            Record plain = *rec;
            plain.cachedJson.clear();
            EXPECT_EQ(rec->cachedJson,
                      recordJson(schemaFor(r), plain, defaultListView(r), p.format));
        }
    }
}

TEST(DataSet, SmallStreamsGetNoDstEdges) {
    const auto edges = dstEdgeInstants(false);
    ASSERT_EQ(edges.size(), 6u);  // 2024: two around the spring gap, four in the autumn hour
    const DataSet ds = DataSet::generate(params(9, 1000));
    for (const auto& rec : ds.table(Resource::Stores).rows()) {
        const int64_t m = dt(*rec, Resource::Stores, "modified");
        EXPECT_EQ(std::count(edges.begin(), edges.end(), m), 0);
    }
}
