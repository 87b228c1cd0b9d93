#include <gtest/gtest.h>

#include <map>

#include "state/Checkpoint.hpp"
#include "sync/IncrementalSync.hpp"
#include "sync/PageChecks.hpp"
#include "sync/PositionSearch.hpp"
#include "common/Errors.hpp"

using namespace intouch;

TEST(Checkpoint, FormatsAndParsesUtc) {
    EXPECT_EQ(formatUtcMicros(0), "1970-01-01 00:00:00+00");
    EXPECT_EQ(formatUtcMicros(1709630130123456), "2024-03-05 09:15:30.123456+00");
    EXPECT_EQ(parseUtcTimestamp("2024-03-05 09:15:30.123456+00"), 1709630130123456);
    EXPECT_EQ(parseUtcTimestamp("2024-03-05 10:15:30.5+01"), 1709630130500000);
    EXPECT_EQ(parseUtcTimestamp("1969-12-31 23:59:59+00"), -1000000);
}

TEST(Checkpoint, RefusesWhatIsNotATimestamptz) {
    try {
        parseUtcTimestamp("infinity");
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "unexpected timestamp from PostgreSQL: infinity (expected a date as YYYY-MM-DD)");
    }
    EXPECT_THROW(parseUtcTimestamp("2024-03-05 09:15:30"), std::runtime_error);  // no offset
}

namespace {
Checkpoint cp(std::int64_t m, std::set<std::string> keys, bool complete) {
    Checkpoint c;
    c.modifiedMicros = m;
    c.tieKeys = std::move(keys);
    c.tieComplete = complete;
    return c;
}
}  // namespace

TEST(Checkpoint, LaterCheckpointNeverMovesBack) {
    EXPECT_EQ(laterCheckpoint(cp(10, {}, true), cp(5, {"id=1"}, false)), cp(10, {}, true));
    EXPECT_EQ(laterCheckpoint(cp(5, {"id=1"}, false), cp(10, {}, false)), cp(10, {}, false));
    EXPECT_EQ(laterCheckpoint(cp(5, {"id=1"}, false), cp(5, {"id=2"}, false)), cp(5, {"id=1", "id=2"}, false));
    EXPECT_EQ(laterCheckpoint(cp(5, {"id=1"}, false), cp(5, {}, true)), cp(5, {}, true));
    EXPECT_EQ(laterCheckpoint(Checkpoint{}, cp(1, {}, false)), cp(1, {}, false));
}

namespace {
// A sorted list of cursor values standing in for the CRM's list; counts probes.
struct FakeList {
    std::vector<std::int64_t> values;
    int probes = 0;
    PositionSearch::Probe probe() {
        return [this](std::int64_t p, std::int64_t& total) -> std::optional<ListItem> {
            ++probes;
            total = static_cast<std::int64_t>(values.size());
            if (p < 0 || p >= total) return std::nullopt;
            ListItem item;
            item.cursor = values[static_cast<std::size_t>(p)];
            return item;
        };
    }
};
}  // namespace

TEST(PositionSearch, FindsFirstRecordAfterValue) {
    FakeList list;
    for (int i = 0; i < 100000; ++i) list.values.push_back(i / 3);  // ties of three
    PositionSearch s(list.probe());
    auto after = [](std::int64_t v) {
        return [v](const ListItem& i) { return *i.cursor > v; };
    };
    EXPECT_EQ(s.firstAfter(after(100)), 303);
    EXPECT_EQ(s.firstAfter(after(-1)), 0);
    EXPECT_EQ(s.firstAfter(after(1000000)), 100000);
}

TEST(PositionSearch, NearTheEndCostsFewProbes) {
    FakeList list;
    for (int i = 0; i < 1000000; ++i) list.values.push_back(i);
    PositionSearch s(list.probe());
    // Nothing new: one probe to learn the size, one at the end.
    EXPECT_EQ(s.firstAfter([](const ListItem& i) { return *i.cursor > 999999; }), 1000000);
    EXPECT_LE(s.probes(), 2);
    // Ten records new: galloping from the end, not a bisection of the whole list.
    PositionSearch s2(list.probe());
    EXPECT_EQ(s2.firstAfter([](const ListItem& i) { return *i.cursor > 999989; }), 999990);
    EXPECT_LE(s2.probes(), 10);
}

TEST(PositionSearch, NearAHintCostsProbesInTheDistanceNotTheListSize) {
    FakeList list;
    for (int i = 0; i < 1000000; ++i) list.values.push_back(i / 2);  // ties of two
    auto after = [](std::int64_t v) { return [v](const ListItem& i) { return *i.cursor > v; }; };
    // The list slid back by one record under the reader: three probes.
    PositionSearch one(list.probe());
    EXPECT_EQ(one.firstAfterNear(500003, after(250000)), 500002);
    EXPECT_LE(one.probes(), 3);
    // Slid back by 1000: a gallop and a bisection of that stretch only.
    PositionSearch far(list.probe());
    EXPECT_EQ(far.firstAfterNear(501000, after(249999)), 500000);
    EXPECT_LE(far.probes(), 24);
    // Everything from the start is after: position 0.
    PositionSearch start(list.probe());
    EXPECT_EQ(start.firstAfterNear(700, after(-1)), 0);
    // The hint lies beyond the end of a list that shrank: still the right answer.
    PositionSearch shrunk(list.probe());
    EXPECT_EQ(shrunk.firstAfterNear(2000000, after(499990)), 999982);
}

// Issue 10: a server whose `total` overstates its list (probes past the real end answer
// nothing) must not make the search loop; it finds the right place in few probes.
TEST(PositionSearch, ATotalLargerThanTheListDoesNotLoop) {
    FakeList list;
    for (int i = 0; i < 1000; ++i) list.values.push_back(i);
    const std::int64_t claimed = 5000;  // the server says 5000, holds 1000
    PositionSearch::Probe lying = [&](std::int64_t p, std::int64_t& total) {
        std::int64_t ignored = 0;
        auto item = list.probe()(p, ignored);
        total = claimed;
        return item;
    };
    PositionSearch s(lying);
    EXPECT_EQ(s.firstAfter([](const ListItem& i) { return *i.cursor > 990; }), 991);
    EXPECT_LE(s.probes(), 40);
    PositionSearch none(lying);
    EXPECT_EQ(none.firstAfter([](const ListItem& i) { return *i.cursor > 5000; }), 1000);
    EXPECT_LE(none.probes(), 40);
}

// Issue 10: the server-shape rules, in their one place.
TEST(PageChecks, EndIsDecidedByTotalNotByAShortPage) {
    EXPECT_FALSE(PageChecks::reachesEnd(0, 100, 375));   // capped at 100 of 1000 asked
    EXPECT_TRUE(PageChecks::reachesEnd(300, 75, 375));
    EXPECT_TRUE(PageChecks::reachesEnd(400, 0, 375));    // empty: ends whatever total says
    EXPECT_TRUE(PageChecks::reachesEnd(20, 0, 5000));    // total larger than the list
}

TEST(PageChecks, RejectsAnAnswerWithoutTotalOrOutOfOrderOrIgnoringPosition) {
    auto item = [](std::int64_t id, std::int64_t cursor) {
        ListItem i;
        i.key = "id=" + std::to_string(id);
        i.numericId = id;
        i.cursor = cursor;
        return i;
    };
    PageRequest r;
    r.endpoint = "parties";
    r.orderBy = "modified";
    r.size = 3;
    Page page;
    page.total = 10;
    std::vector<ListItem> sorted{item(1, 10), item(2, 20), item(3, 20)};
    PageChecks checks("parties", "modified");
    EXPECT_NO_THROW(checks.check(r, page, sorted));
    // The same three records at another position: position ignored.
    r.position = 2;
    EXPECT_THROW(checks.check(r, page, sorted), InconsistentReadError);
    // ... but at a smaller position it is a list that slid back under deletions: fine.
    PageChecks slid("parties", "modified");
    r.position = 5;
    EXPECT_NO_THROW(slid.check(r, page, sorted));
    r.position = 4;
    EXPECT_NO_THROW(slid.check(r, page, sorted));
    r.position = 2;
    // Position echoed differently.
    PageChecks echo("parties", "modified");
    page.echoedPosition = 0;
    EXPECT_THROW(echo.check(r, page, sorted), InconsistentReadError);
    page.echoedPosition.reset();
    // Out of order by modified.
    PageChecks order("parties", "modified");
    std::vector<ListItem> unsorted{item(1, 30), item(2, 20)};
    EXPECT_THROW(order.check(r, page, unsorted), InconsistentReadError);
    r.orderBy = "id";
    EXPECT_NO_THROW(PageChecks("parties", "modified").check(r, page, unsorted));
    // No total.
    page.total.reset();
    try {
        PageChecks("parties", "modified").check(r, page, sorted);
        FAIL() << "accepted a page without total";
    } catch (const InconsistentReadError& e) {
        EXPECT_NE(std::string(e.what()).find("GET parties?position=2&size=3&orderBy=id"),
                  std::string::npos)
            << e.what();
    }
    // A plain array has no total to miss.
    page.envelope = false;
    EXPECT_NO_THROW(PageChecks("lists", "").check(r, page, {}));
}
