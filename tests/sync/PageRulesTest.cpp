// The checkpoint's vocabulary, the end-of-list rules and the position search, alone.
#include <gtest/gtest.h>

#include "MemoryList.hpp"
#include "common/Errors.hpp"
#include "sync/OverlappedPager.hpp"
#include "sync/PositionSearch.hpp"

namespace intouch::testing {
namespace {

TEST(CheckpointVocabulary, CoversRecordsBeforeItAndTheTakenMembersOfItsGroup) {
    const Checkpoint open = Checkpoint::openAt(at(5), {"id=1"});
    EXPECT_TRUE(open.covers(at(4), "id=9"));
    EXPECT_TRUE(open.covers(at(5), "id=1"));
    EXPECT_FALSE(open.covers(at(5), "id=2"));
    EXPECT_FALSE(open.covers(at(6), "id=1"));
    EXPECT_FALSE(open.covers(std::nullopt, "id=1"));  // no place in the order: new
    EXPECT_TRUE(open.coversGroup(at(4)));
    EXPECT_FALSE(open.coversGroup(at(5)));
    const Checkpoint complete = Checkpoint::completeAt(at(5));
    EXPECT_TRUE(complete.covers(at(5), "id=2"));
    EXPECT_TRUE(complete.coversGroup(at(5)));
    EXPECT_FALSE(complete.coversGroup(at(6)));
    EXPECT_FALSE(Checkpoint{}.covers(at(0), "id=1"));
    EXPECT_FALSE(Checkpoint{}.coversGroup(at(0)));
}

TEST(CheckpointVocabulary, LaterCheckpointMergesTheKeysOfOneGroup) {
    EXPECT_EQ(
        laterCheckpoint(Checkpoint::openAt(at(5), {"id=1"}), Checkpoint::openAt(at(5), {"id=2"})),
        Checkpoint::openAt(at(5), {"id=1", "id=2"}));
    EXPECT_EQ(laterCheckpoint(Checkpoint::completeAt(at(5)), Checkpoint::openAt(at(5), {"id=2"})),
              Checkpoint::completeAt(at(5)));
    EXPECT_EQ(laterCheckpoint(Checkpoint::openAt(at(6)), Checkpoint::completeAt(at(5))),
              Checkpoint::openAt(at(6)));
}

TEST(PageRules, AnEmptyAnswerEndsTheListWhateverTotalSays) {
    EXPECT_TRUE(PageChecks::reachesEnd(40, 0, 100));
    EXPECT_TRUE(PageChecks::reachesEnd(40, 10, 50));
    EXPECT_FALSE(PageChecks::reachesEnd(40, 5, 100));  // a short page proves nothing
}

TEST(PageRules, AOneRecordAnswerShortOfTotalIsTheEndOnlyWhenNothingFollows) {
    MemoryList list;
    list.overstateTotal = 5;
    list.fill(11);
    OverlappedPager pager(list, {"id", false}, 10, 200);
    const auto place = [](const ListItem& i) { return *i.numericId > 11; };
    pager.seek(place);
    ListPage last = pager.next(place);
    ASSERT_EQ(last.items.size(), 1u);
    EXPECT_FALSE(last.reachesEnd(pager.position()));  // total says 16
    EXPECT_TRUE(pager.atEnd(last));                   // but nothing follows it

    MemoryList capped;
    capped.sizeCap = 1;
    capped.fill(11);
    OverlappedPager one(capped, {"id", false}, 10, 200);
    const auto middle = [](const ListItem& i) { return *i.numericId > 5; };
    one.seek(middle);
    ListPage page = one.next(middle);
    EXPECT_THROW(one.atEnd(page), InconsistentReadError);  // one record per answer
}

TEST(PageRules, PositionSearchFindsThePlaceBehindAnOverstatedTotal) {
    MemoryList list;
    list.overstateTotal = 1000;
    list.fill(300);
    PositionSearch search(
        [&](std::int64_t p, std::int64_t& total) { return list.probe(p, "modified", total); });
    const auto after = [](const ListItem& i) { return *i.cursor > at(199); };
    EXPECT_EQ(search.firstAfter(after), 200);
    EXPECT_EQ(search.firstAfterNear(280, after), 200);
    EXPECT_LT(search.probes(), 40);
}

TEST(PageRules, AnswersWithoutTotalAreRefusedNamingTheEndpoint) {
    MemoryList list;
    list.dropTotal = true;
    list.fill(3);
    try {
        list.read(0, 10, "modified");
        FAIL();
    } catch (const InconsistentReadError& e) {
        EXPECT_NE(std::string(e.what()).find("without 'total'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("parties"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace intouch::testing
