// The id-order walk (tie groups larger than a page, reconcile, full reads of lists
// without a cursor) over the in-memory list.
#include <gtest/gtest.h>

#include "MemoryList.hpp"
#include "common/Errors.hpp"
#include "sync/IdOrderScan.hpp"

namespace intouch::testing {
namespace {

std::vector<std::int64_t> walk(IdOrderScan& scan,
                               std::optional<std::int64_t> stopAfterId = std::nullopt) {
    std::vector<std::int64_t> visited;
    scan.run(
        [&](ListPage&, const std::vector<ListItem*>& fresh) {
            for (const ListItem* item : fresh) visited.push_back(*item->numericId);
        },
        stopAfterId);
    return visited;
}

TEST(IdOrderScan, VisitsEveryRecordOnceInIdOrder) {
    MemoryList list;
    list.shuffleTies = true;
    list.fill(95, 0, 95);  // one tie group: id order does not care
    IdOrderScan scan(list, 10, 200);
    std::vector<std::int64_t> visited = walk(scan);
    ASSERT_EQ(visited.size(), 95u);
    for (std::size_t i = 0; i < visited.size(); ++i) EXPECT_EQ(visited[i], std::int64_t(i) + 1);
    EXPECT_TRUE(scan.reachedTotal());
    EXPECT_EQ(scan.relocations(), 0);
}

TEST(IdOrderScan, DeletionsSlideTheListBackAndNoSurvivorIsMissedOrVisitedTwice) {
    MemoryList list;
    list.fill(100);
    list.beforeAnswer = [](MemoryList& l, const MemoryList::Request& r) {
        if (r.number == 3 || r.number == 6)
            for (std::int64_t id = 2 * r.number; id < 2 * r.number + 4; ++id) l.erase(id);
    };
    IdOrderScan scan(list, 10, 200);
    std::vector<std::int64_t> visited = walk(scan);
    std::set<std::int64_t> once(visited.begin(), visited.end());
    EXPECT_EQ(once.size(), visited.size()) << "a record was visited twice";
    for (const auto& [id, modified] : list.byModified()) EXPECT_TRUE(once.count(id)) << id;
    EXPECT_GE(scan.relocations(), 1);
}

TEST(IdOrderScan, AListShrinkingUnderEveryPageFailsInsteadOfLooping) {
    MemoryList list;
    list.fill(300);
    // Before every page after the first, the two records just before it are deleted.
    list.beforeAnswer = [](MemoryList& l, const MemoryList::Request& r) {
        if (r.number < 2 || r.size == 1 || r.position < 2) return;
        auto order = l.byModified();
        for (std::int64_t p = r.position - 2; p < r.position; ++p)
            l.erase(order[static_cast<std::size_t>(p)].first);
    };
    IdOrderScan scan(list, 20, 3);
    try {
        walk(scan);
        FAIL() << "the walk ended although the list slid under every page";
    } catch (const SourceError& e) {
        EXPECT_NE(std::string(e.what()).find("keeps changing faster than it can be read in id "
                                             "order"),
                  std::string::npos)
            << e.what();
    }
}

TEST(IdOrderScan, EndsAtTheLargestIdItWasGiven) {
    MemoryList list;
    list.fill(100);
    IdOrderScan scan(list, 10, 200);
    std::vector<std::int64_t> visited = walk(scan, 35);
    ASSERT_FALSE(visited.empty());
    EXPECT_GE(visited.back(), 35);
    EXPECT_LT(visited.back(), 100);
    EXPECT_EQ(list.pageRequests(), 4);
}

TEST(IdOrderScan, AnOverstatedTotalEndsTheWalkWithoutReachingIt) {
    MemoryList list;
    list.overstateTotal = 3;
    list.fill(30);
    IdOrderScan scan(list, 10, 200);
    std::vector<std::int64_t> visited = walk(scan);
    EXPECT_EQ(visited.size(), 30u);
    EXPECT_FALSE(scan.reachedTotal());  // reconcile must not mark anything deleted then
}

TEST(IdOrderScan, AnAnswerOutOfIdOrderStopsTheWalk) {
    MemoryList list;
    list.misorder = true;
    list.fill(30);
    IdOrderScan scan(list, 10, 200);
    EXPECT_THROW(walk(scan), InconsistentReadError);
}

}  // namespace
}  // namespace intouch::testing
