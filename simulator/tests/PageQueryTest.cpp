#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "PageQuery.h"

using namespace intouch::sim;

namespace {

// Two-column records: [id, key]. A variadic helper rather than an initializer_list of
// Values, which trips a GCC 12 false maybe-uninitialized warning.
void addRow(std::vector<RecordPtr>& out, Value key) {
    auto r = std::make_shared<Record>();
    r->id = static_cast<int64_t>(out.size()) + 1;
    r->values.emplace_back(r->id);
    r->values.push_back(std::move(key));
    out.push_back(std::move(r));
}

template <class... Keys>
std::vector<RecordPtr> rows(Keys... keys) {
    std::vector<RecordPtr> out;
    (addRow(out, Value(std::move(keys))), ...);
    return out;
}

std::vector<RecordPtr> rowsOfInts(const std::vector<int64_t>& keys) {
    std::vector<RecordPtr> out;
    for (int64_t k : keys) addRow(out, Value(k));
    return out;
}

std::vector<int64_t> ids(const std::vector<RecordPtr>& page) {
    std::vector<int64_t> out;
    for (const auto& r : page) out.push_back(r->id);
    return out;
}

}  // namespace

TEST(PageQuery, UnsortedIsIdOrderSliced) {
    const auto data = rowsOfInts({5, 1, 3, 2});
    EXPECT_EQ(ids(selectPage(data, {}, nullptr, 1, 2)), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(ids(selectPage(data, {}, nullptr, 3, 20)), (std::vector<int64_t>{4}));
    EXPECT_TRUE(selectPage(data, {}, nullptr, 4, 20).empty());
    EXPECT_TRUE(selectPage(data, {}, nullptr, 400, 20).empty());
}

TEST(PageQuery, SortsNumbersNumericallyWithNullsFirstAndTiesById) {
    const auto data = rows(int64_t{10}, nullptr, int64_t{9}, int64_t{10}, Absent{}, int64_t{-1});
    EXPECT_EQ(ids(selectPage(data, {1, false}, nullptr, 0, 10)),
              (std::vector<int64_t>{2, 5, 6, 3, 1, 4}));
    // Descending reverses the key order but keeps ties in ascending id order.
    EXPECT_EQ(ids(selectPage(data, {1, true}, nullptr, 0, 10)),
              (std::vector<int64_t>{1, 4, 3, 6, 2, 5}));
}

TEST(PageQuery, SortsStringsBytewiseAndDatetimesByInstant) {
    const auto strings =
        rows(std::string("b"), std::string("B"), std::string("á"), std::string("a"));
    // 'B' (0x42) < 'a' < 'b' < 'á' (0xC3 0xA1): bytewise, not locale collation.
    EXPECT_EQ(ids(selectPage(strings, {1, false}, nullptr, 0, 10)),
              (std::vector<int64_t>{2, 4, 1, 3}));
    const auto times = rows(DateTime{300}, DateTime{100}, DateTime{200});
    EXPECT_EQ(ids(selectPage(times, {1, false}, nullptr, 0, 10)), (std::vector<int64_t>{2, 3, 1}));
    const auto money = rows(Decimal{1050000}, Decimal{99}, Decimal{-1});
    EXPECT_EQ(ids(selectPage(money, {1, true}, nullptr, 0, 10)), (std::vector<int64_t>{1, 2, 3}));
}

TEST(PageQuery, PagesOfASortedListPartitionIt) {
    std::vector<int64_t> keys;
    for (int i = 0; i < 95; ++i) keys.push_back((i * 37) % 11);
    const auto data = rowsOfInts(keys);
    std::vector<int64_t> all;
    for (int64_t pos = 0; pos < 95; pos += 10) {
        auto page = ids(selectPage(data, {1, false}, nullptr, pos, 10));
        all.insert(all.end(), page.begin(), page.end());
    }
    EXPECT_EQ(all, ids(selectPage(data, {1, false}, nullptr, 0, 1000)));
    EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), 95u);
}

TEST(PageQuery, ShuffledTiesChangeOrderOnlyWithinTies) {
    std::vector<int64_t> keys;
    for (int i = 0; i < 200; ++i) keys.push_back(i / 50);  // four tie groups of 50
    const auto data = rowsOfInts(keys);
    Rng rng(7);
    const auto first = ids(selectPage(data, {1, false}, &rng, 0, 200));
    const auto second = ids(selectPage(data, {1, false}, &rng, 0, 200));
    EXPECT_NE(first, second);
    for (const auto& order : {first, second}) {
        for (std::size_t i = 0; i < order.size(); ++i) {
            // Record id k has key (k-1)/50: every position must hold a member of its group.
            EXPECT_EQ((order[i] - 1) / 50, static_cast<int64_t>(i / 50));
        }
    }
    EXPECT_NE(first, ids(selectPage(data, {1, false}, nullptr, 0, 200)));
}

TEST(PageQuery, CachedOrderGivesTheSamePages) {
    std::vector<int64_t> keys;
    for (int i = 0; i < 300; ++i) keys.push_back((i * 7919) % 13);
    const auto data = rowsOfInts(keys);
    for (bool desc : {false, true}) {
        const SortSpec sort{1, desc};
        const auto sorted = sortRows(data, sort);
        for (int64_t pos : {0, 17, 150, 299, 300}) {
            EXPECT_EQ(ids(pageFromSorted(sorted, sort, nullptr, pos, 40)),
                      ids(selectPage(data, sort, nullptr, pos, 40)));
        }
    }
}

TEST(PageQuery, CachedOrderShufflesTiesAcrossPageBorders) {
    std::vector<int64_t> keys;
    for (int i = 0; i < 100; ++i) keys.push_back(i / 25);  // groups of 25 span page borders
    const auto data = rowsOfInts(keys);
    const SortSpec sort{1, false};
    const auto sorted = sortRows(data, sort);
    Rng rng(11);
    std::set<std::vector<int64_t>> seen;
    for (int round = 0; round < 5; ++round) {
        std::vector<int64_t> all;
        for (int64_t pos = 0; pos < 100; pos += 10) {
            const auto page = ids(pageFromSorted(sorted, sort, &rng, pos, 10));
            ASSERT_EQ(page.size(), 10u);
            for (std::size_t i = 0; i < page.size(); ++i)
                EXPECT_EQ((page[i] - 1) / 25, (pos + static_cast<int64_t>(i)) / 25)
                    << "keys stay in order";
            all.insert(all.end(), page.begin(), page.end());
        }
        seen.insert(all);
    }
    EXPECT_GT(seen.size(), 1u) << "every request reshuffles";
}
