#pragma once
// Reads a list ordered by `modified` from a checkpoint on, while other people edit it,
// without losing a record, and hands each page's new records with the checkpoint they
// reach to a PageSink. docs/incremental-sync.md gives the algorithm and what it assumes of
// the server; the paging itself (overlap, relocation, end of list) is OverlappedPager's.
// What this class adds:
//  * the checkpoint after each page: (T, keys seen at T, open), T the `modified` of the
//    page's last record; the next page starts before the first record at T, so the whole
//    tie group comes again in one answer, whatever order its members come in;
//  * a tie group larger than a page is read in id order (IdOrderScan), which edits and tie
//    order cannot disturb. That scan reads the whole list, so it serves every record at
//    once: just before it, one probe reads C, the `modified` of the list's last record.
//    Every record stamped before C was last changed before the scan began (later edits are
//    stamped at or after C: `modified` never moves backwards), so the scan reads it in its
//    current version and the checkpoint may jump to (C, open): a list with many oversized
//    groups costs one scan, not one per group. The scan ends at the largest id existing
//    after C was read: records created later are stamped at or after C. When C's second
//    was over (settle_seconds) by the answer that led to the scan, before C was probed,
//    nothing can join C's group any more, so the scan read all of it and the checkpoint
//    jumps to (C, complete) instead;
//  * the horizon H, the `modified` of the list's last record when the run began: the run
//    ends once it has read past H. Records stamped later changed after the run began;
//    chasing them could last forever under steady edits, so the next run reads them.
//    H costs a probe, taken only once a page reaches a record not stamped before the
//    first answer's clock (its Date header): a record stamped earlier existed before the
//    run began, so H is at least as new and reading on past it is what H would allow. A
//    quiet full sync never needs H; a CRM whose stamps lag its Date header only lets the
//    run read edits made during that lag before H is taken (more read, nothing lost);
//  * settling: a record whose `modified` is within `settle_seconds` of the server's clock
//    may still change within that second, so the checkpoint is held before it (and at the
//    clock minus settle_seconds for a record stamped in the future, a clock error in the
//    data, which would otherwise freeze the checkpoint there for good).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sink/PageBatch.hpp"  // a plain value: no link to the sink
#include "state/Totals.hpp"
#include "state/Checkpoint.hpp"
#include "sync/ListSource.hpp"
#include "sync/OverlappedPager.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

// Where committed pages go: the writer's pipeline (AsyncPageWriter) in production, a list
// in memory in tests/sync. Pages arrive in read order, each with its checkpoint.
class PageSink {
  public:
    virtual ~PageSink() = default;
    virtual void submit(PageBatch batch) = 0;
    // Waits until every page submitted is committed; what was written.
    virtual Totals finish() = 0;
};

class IncrementalReader {
  public:
    // `cursorField`: the source field the list is ordered by ("modified").
    IncrementalReader(ListSource& source, PageSink& sink, std::string cursorField,
                      const SyncOptions& options);

    StreamOutcome run(const Checkpoint& loaded);

  private:
    // What one page leads to: the checkpoint it reaches, where the next page starts, and
    // a tie group that fills the page (read in id order).
    struct Step {
        Checkpoint next;
        std::size_t keepFrom = 0;
        std::optional<std::int64_t> bigTie;
    };
    enum class AfterScan { ReadOn, Seek, Stop };

    std::vector<ListItem*> newRecords(ListPage& page, const Checkpoint& cp);
    Step stepInList(const ListPage& page, const Checkpoint& cp, std::int64_t position) const;
    Checkpoint endOfList(const ListPage& page, const Checkpoint& cp);
    AfterScan readTieGroup(std::int64_t tie, Checkpoint& cp, const ListPage& page,
                           std::int64_t position);
    // `clockBefore`: the Date of the answer that led to the scan.
    Checkpoint scanInIdOrder(std::int64_t tie, const Checkpoint& cp,
                             std::optional<std::int64_t> total,
                             std::optional<std::int64_t> clockBefore);
    // The largest id of the list now (by one probe in id order; nullopt if unreadable).
    std::optional<std::int64_t> largestId(std::optional<std::int64_t> total);
    // `modified` of the list's last record, by one probe; nullopt if unreadable.
    std::optional<std::int64_t> newestCursor(std::optional<std::int64_t> total);
    // H, probed once, lazily: a run that fits in one answer never needs it.
    std::int64_t horizon(const ListPage& page);
    // Whether a page ending at `last` may be past H (see the header); probes H if so.
    bool pastHorizon(std::int64_t last, const ListPage& page);
    void leaveRestToNextRun(std::int64_t reached, std::optional<std::int64_t> total);
    void noteUnsettled(const ListItem& item, std::optional<std::int64_t> serverDate);
    void noteUnsettled(std::int64_t value, std::optional<std::int64_t> serverDate);
    std::int64_t settleMicros() const;
    // Whether no record can be stamped `value` any more at the server's `clock`: its second
    // is over by settle_seconds.
    bool settledBy(std::int64_t value, std::int64_t clock) const;
    // `next` held before the first unsettled record, and never behind the loaded one.
    Checkpoint settled(const Checkpoint& next) const;
    void commit(const std::vector<ListItem*>& fresh, const Checkpoint& next, std::int64_t position,
                std::optional<std::int64_t> total);

    ListSource& source_;
    PageSink& sink_;
    std::string cursorField_;
    SyncOptions options_;
    Checkpoint loaded_;
    std::optional<std::int64_t> horizon_;
    std::optional<std::int64_t> firstAnswerClock_;  // the Date header of the run's first page
    std::optional<std::int64_t> unsettledFrom_;  // smallest `modified` too recent to pass
    StreamOutcome outcome_;
};

}  // namespace intouch
