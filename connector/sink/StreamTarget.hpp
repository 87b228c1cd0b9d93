#pragma once
// What syncing one stream writes into, whatever the database: the pages of an
// incremental read (upserted under the version guard, with the checkpoint in the
// same transaction), a whole re-read (full replace), and a reconcile's id walk.
// PostgresWriter and SqliteWriter implement it; connector/sync sees only this, so
// no SQL dialect leaks into the read side.

#include <cstdint>
#include <vector>

#include "sink/PageBatch.hpp"
#include "state/Totals.hpp"

namespace intouch {

class StreamTarget {
public:
    virtual ~StreamTarget() = default;

    // Incremental streams: upsert the page; an older version never overwrites a newer one.
    virtual Totals writePage(const PageBatch& batch) = 0;
    // Consecutive pages of one stream, in read order, in ONE transaction (group
    // commit when the writer has fallen behind the reader); the result is what
    // writing them one by one would leave. Only the last page may carry rejects:
    // an earlier page's reject could be for a record a later page brings valid,
    // whose upsert must then clear it.
    virtual Totals writePages(std::vector<PageBatch>& pages) = 0;
    // Streams re-read whole (members, lists, files): the table becomes exactly
    // `batch.records`, atomically, touching only rows that changed.
    virtual Totals replaceAll(const PageBatch& batch) = 0;

    // Reconciliation (finding deletions): pages of a full id-order walk are
    // upserted like any page (which also undeletes records that came back), and
    // their ids collected; finishReconcile then marks the rows whose ids were not seen.
    virtual void beginReconcile() = 0;
    virtual Totals writeReconcilePage(const PageBatch& batch,
                                      const std::vector<std::int64_t>& seenIds) = 0;
    // Marks (soft: deleted_at = now) or removes (hard, children cascade) live rows
    // not seen; returns how many.
    virtual std::int64_t finishReconcile(bool hardDelete) = 0;
    // Rows of the table not marked deleted.
    virtual std::int64_t liveRows() = 0;
    // Whether the table holds more live rows than `total`. After an incremental run that
    // read to the end of the list and saw every insert, only a deletion in the CRM can make
    // it so (the test for "reconcile needed"). Asked after every such run, so a target may
    // answer from something cheaper than counting the live rows when that proves the answer.
    virtual bool holdsMoreLiveRowsThan(std::int64_t total) { return liveRows() > total; }
    // The incremental read of the stream ended and every page is written: a target may
    // tidy up after what the run did (PostgresWriter gathers the statistics of tables a
    // first sync filled). Not called on a dry run or after an error.
    virtual void finishStream() {}
};

}  // namespace intouch
