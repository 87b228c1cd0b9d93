// One tally type for a write, a stream and a run; one conversion from a read page to a batch.
#include <gtest/gtest.h>

#include "state/Totals.hpp"
#include "sync/ToBatch.hpp"

using namespace intouch;

TEST(Totals, AddUpFieldByField) {
    Totals run;
    Totals a;
    a.seen = 10, a.upserted = 4, a.deleted = 1, a.rejected = 2, a.requests = 3, a.retries = 1, a.bytes = 100;
    run += a;
    run += a;
    EXPECT_EQ(run.seen, 20);
    EXPECT_EQ(run.upserted, 8);
    EXPECT_EQ(run.deleted, 2);
    EXPECT_EQ(run.rejected, 4);
    EXPECT_EQ(run.requests, 6);
    EXPECT_EQ(run.retries, 2);
    EXPECT_EQ(run.bytes, 200);
}

TEST(Totals, WrittenKeepsOnlyWhatWasWritten) {
    Totals a;
    a.seen = 10, a.upserted = 4, a.deleted = 1, a.rejected = 2, a.requests = 3, a.retries = 1, a.bytes = 100;
    const Totals w = a.written();
    EXPECT_EQ(w.upserted, 4);
    EXPECT_EQ(w.deleted, 1);
    EXPECT_EQ(w.rejected, 2);
    EXPECT_EQ(w.seen, 0);
    EXPECT_EQ(w.requests, 0);
    EXPECT_EQ(w.retries, 0);
    EXPECT_EQ(w.bytes, 0);
}

TEST(ToBatch, MappedRowsAndRejectsInReadOrderKeysStay) {
    std::vector<ListItem> items(3);
    items[0].mapped = MappedRecord{};
    items[0].mapped->keyValues = {"1"};
    items[0].key = "id=1";
    items[1].reject = RejectedRecord{"id=2", "{\"id\":2}", "bad"};
    items[1].key = "id=2";
    items[2].mapped = MappedRecord{};
    items[2].mapped->keyValues = {"3"};
    items[2].key = "id=3";
    PageBatch batch = toBatch(items);
    ASSERT_EQ(batch.records.size(), 2u);
    EXPECT_EQ(batch.records[0].keyValues, std::vector<std::string>{"1"});
    EXPECT_EQ(batch.records[1].keyValues, std::vector<std::string>{"3"});
    ASSERT_EQ(batch.rejects.size(), 1u);
    EXPECT_EQ(batch.rejects[0].key, "id=2");
    EXPECT_FALSE(batch.checkpoint.has_value());
    // What the traversal still reads after the rows have gone to the writer.
    EXPECT_EQ(items[2].key, "id=3");

    std::vector<ListItem> more(1);
    more[0].reject = RejectedRecord{"", "[]", "not an object"};
    batch.append(toBatch(more));
    EXPECT_EQ(batch.records.size(), 2u);
    ASSERT_EQ(batch.rejects.size(), 2u);
    EXPECT_EQ(batch.rejects[1].rawJson, "[]");
}
