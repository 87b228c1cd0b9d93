#include <gtest/gtest.h>

#include <map>

#include "state/Checkpoint.hpp"
#include "sync/IncrementalSync.hpp"
#include "sync/PositionSearch.hpp"

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
