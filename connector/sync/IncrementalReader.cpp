#include "sync/IncrementalReader.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "sync/IdOrderScan.hpp"
#include "sync/ProgressReporter.hpp"
#include "sync/ToBatch.hpp"

namespace intouch {

namespace {

std::int64_t nowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<std::int64_t> lastCursor(const std::vector<ListItem>& items) {
    for (auto it = items.rbegin(); it != items.rend(); ++it)
        if (it->cursor) return it->cursor;
    return std::nullopt;
}

std::optional<std::int64_t> maxCursor(const std::vector<ListItem>& items) {
    std::optional<std::int64_t> m;
    for (const auto& i : items)
        if (i.cursor && (!m || *i.cursor > *m)) m = i.cursor;
    return m;
}

// The place of a reader at `cp` for the pager, by group: monotone along the list even
// when a tie group comes back in another order on every request. A record without a
// readable `modified` has no place in the order and counts as after it.
OverlappedPager::Place placeOf(const Checkpoint& cp) {
    return [cp](const ListItem& item) {
        return cp.empty() || !item.cursor || !cp.coversGroup(*item.cursor);
    };
}

}  // namespace

IncrementalReader::IncrementalReader(ListSource& source, PageSink& sink, std::string cursorField,
                                     const SyncOptions& options)
    : source_(source), sink_(sink), cursorField_(std::move(cursorField)), options_(options) {}

StreamOutcome IncrementalReader::run(const Checkpoint& loaded) {
    loaded_ = loaded;
    horizon_.reset();
    firstAnswerClock_.reset();
    unsettledFrom_.reset();
    outcome_ = StreamOutcome{};
    outcome_.checkpoint = loaded;
    ProgressReporter progress = ProgressReporter::forStderr(source_.stream());
    OverlappedPager pager(source_, {cursorField_, true}, options_.pageSize,
                          options_.maxRelocations);
    // The gallop's first probe is the last record: the run's horizon for free.
    pager.onProbe([this](std::int64_t position, const ListItem& item, std::int64_t total) {
        if (!horizon_ && item.cursor && total > 0 && position == total - 1) horizon_ = item.cursor;
    });
    Checkpoint cp = loaded;
    if (options_.lookbackSeconds > 0 && cp.modifiedMicros)
        cp = Checkpoint::openAt(*loaded.modifiedMicros -
                                static_cast<std::int64_t>(options_.lookbackSeconds * 1e6));
    if (!cp.empty()) {
        // The loaded checkpoint says how long the list was when it was committed; the place
        // is usually at that end (the run read to it), so the first page is asked for there,
        // starting `guessMargin` records early so that as many edits or deletions before the
        // place since then still leave it anchored: a run with nothing new, or with fewer
        // changes than fit in that page, costs one request instead of a search and a page.
        // Nothing is concluded from the hint itself: the page is checked like any other,
        // and a miss costs the search that seek() would have made.
        const bool hinted = cp == loaded && loaded.total > 0;
        const std::int64_t guessMargin = std::max(options_.pageSize / 4, 1);
        if (hinted)
            pager.guess(loaded.total - 1 - guessMargin);
        else
            pager.seek(placeOf(cp));
    }
    while (true) {
        ListPage page = pager.next(placeOf(cp));
        if (!firstAnswerClock_) firstAnswerClock_ = page.serverDate;
        outcome_.apiTotal = page.total;
        const std::int64_t position = pager.position();
        const auto reached = position + static_cast<std::int64_t>(page.items.size());
        std::vector<ListItem*> fresh = newRecords(page, cp);
        const bool atEnd = pager.atEnd(page);
        Step step = atEnd ? Step{endOfList(page, cp), page.items.size(), std::nullopt}
                          : stepInList(page, cp, position);
        commit(fresh, step.next, position, page.total);
        progress.update(reached, page.total);
        cp = step.next;
        if (!atEnd) {
            // Records stamped after the horizon changed after the run began: the next run's,
            // which starts exactly here (the checkpoint never passes a record unseen).
            auto last = lastCursor(page.items);
            if (last && pastHorizon(*last, page)) {
                leaveRestToNextRun(reached, page.total);
                break;
            }
        }
        if (step.bigTie) {
            const AfterScan after = readTieGroup(*step.bigTie, cp, page, position);
            if (after == AfterScan::Stop) break;
            if (after == AfterScan::Seek) {
                pager.seek(placeOf(cp));
                continue;
            }
        }
        if (atEnd) {
            outcome_.readToEnd = true;
            break;
        }
        pager.advance(page, step.keepFrom);
    }
    outcome_.relocations += pager.relocations();
    const Totals written = sink_.finish();
    progress.finish();
    outcome_.totals += written;
    return outcome_;
}

std::vector<ListItem*> IncrementalReader::newRecords(ListPage& page, const Checkpoint& cp) {
    std::vector<ListItem*> fresh;
    for (auto& item : page.items) {
        if (cp.covers(item.cursor, item.key)) continue;
        fresh.push_back(&item);
        noteUnsettled(item, page.serverDate);
    }
    return fresh;
}

IncrementalReader::Step IncrementalReader::stepInList(const ListPage& page, const Checkpoint& cp,
                                                      std::int64_t position) const {
    const auto& items = page.items;
    Step step{cp, items.size(), std::nullopt};
    auto last = lastCursor(items);
    if (!last)  // no readable `modified` at all on a full page: nothing to anchor on
        throw SourceError("a page of " + source_.stream() + " at position " +
                          std::to_string(position) + " has no readable '" + cursorField_ +
                          "' values; cannot continue an incremental read");
    if (cp.coversGroup(*last)) return step;
    std::set<std::string> keys;
    if (!cp.empty() && *cp.modifiedMicros == *last) keys = cp.tieKeys;
    std::size_t j = items.size();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].cursor || *items[i].cursor != *last) continue;
        j = std::min(j, i);
        if (!items[i].key.empty()) keys.insert(items[i].key);
    }
    step.next = Checkpoint::openAt(*last, std::move(keys));
    if (j >= 2)
        step.keepFrom = j;  // the next answer holds the whole group at `last` again
    else
        step.bigTie = last;  // the group fills the page: no single answer can hold it
    return step;
}

Checkpoint IncrementalReader::endOfList(const ListPage& page, const Checkpoint& cp) {
    // This one answer holds everything from our place to the end of the list, so every
    // tie group in it is complete.
    Checkpoint next = cp;
    auto top = maxCursor(page.items);
    if (top && (cp.empty() || *top > *cp.modifiedMicros))
        next = Checkpoint::completeAt(*top);
    else if (!cp.empty())
        next = Checkpoint::completeAt(*cp.modifiedMicros);
    // ... but only once its second is over (records created or edited later in the same
    // second join it). The members here may all be old news, or there may be none left,
    // so the group's own value is checked, not only the records written.
    if (next.modifiedMicros) noteUnsettled(*next.modifiedMicros, page.serverDate);
    return next;
}

IncrementalReader::AfterScan IncrementalReader::readTieGroup(std::int64_t tie, Checkpoint& cp,
                                                             const ListPage& page,
                                                             std::int64_t position) {
    const std::int64_t before = *cp.modifiedMicros;
    cp = scanInIdOrder(tie, cp, page.total, page.serverDate);
    commit({}, cp, position, page.total);
    if (*cp.modifiedMicros == before) return AfterScan::ReadOn;
    // The scan covered everything stamped before the list's newest record. If that record
    // changed after this run began, the rest is the next run's; likewise if it is so recent
    // that no checkpoint of this run could pass it (reading on would only chase the clock).
    const bool newer = pastHorizon(*cp.modifiedMicros, page);
    const bool unsettled = unsettledFrom_ && *unsettledFrom_ <= *cp.modifiedMicros;
    if (newer || unsettled) {
        leaveRestToNextRun(position + static_cast<std::int64_t>(page.items.size()), page.total);
        return AfterScan::Stop;
    }
    return AfterScan::Seek;  // nothing changed since the run began: read on from there
}

Checkpoint IncrementalReader::scanInIdOrder(std::int64_t tie, const Checkpoint& cp,
                                            std::optional<std::int64_t> total,
                                            std::optional<std::int64_t> clockBefore) {
    ++outcome_.tieScans;
    const std::optional<std::int64_t> ceiling = newestCursor(total);
    const std::optional<std::int64_t> lastId = largestId(total);
    log::info("tie group larger than a page; reading the list in id order",
              {{"stream", source_.stream()},
               {"modified", formatUtcMicros(tie)},
               {"up_to", ceiling ? formatUtcMicros(*ceiling) : std::string("?")}});
    IdOrderScan scan(source_, options_.pageSize, options_.maxRelocations);
    std::optional<std::int64_t> lastDate;
    scan.run(
        [&](ListPage& page, const std::vector<ListItem*>& fresh) {
            lastDate = page.serverDate;
            // The latest answer's total: rows written from this scan existed then.
            if (page.total) outcome_.apiTotal = page.total;
            std::vector<ListItem*> unseen;
            for (ListItem* item : fresh) {
                if (cp.covers(item->cursor, item->key)) continue;
                unseen.push_back(item);
                noteUnsettled(*item, page.serverDate);
            }
            commit(unseen, cp, cp.position, page.total);
        },
        lastId);
    outcome_.relocations += scan.relocations();
    // Everything strictly before `ceiling` is in. The group at `ceiling` may still have been
    // growing while the scan ran, so it is read again by position -- unless its second was
    // over (settle_seconds) by the answer that led to the scan, before `ceiling` and the
    // largest id were probed: then every member existed, with an id up to that largest one,
    // before the scan began, and the scan read each (a member edited since carries a later
    // stamp). A bulk edit spanning several seconds then costs one scan, not two.
    if (ceiling && *ceiling > tie) {
        if (clockBefore && settledBy(*ceiling, *clockBefore)) return Checkpoint::completeAt(*ceiling);
        return Checkpoint::openAt(*ceiling);
    }
    noteUnsettled(tie, lastDate);  // complete only once its second is over, as at the end
    return Checkpoint::completeAt(tie);
}

std::optional<std::int64_t> IncrementalReader::largestId(std::optional<std::int64_t> total) {
    // The probe must hit the true end of the list, so it is repeated if the list's size
    // changed; without a bound the scan simply reads to the end.
    std::int64_t size = total.value_or(-1);
    for (int attempt = 0; attempt < 3 && size > 0; ++attempt) {
        std::int64_t seen = -1;
        auto last = source_.probe(size - 1, "id", seen);
        if (last && last->numericId && seen == size) return last->numericId;
        size = seen;
    }
    return std::nullopt;
}

std::optional<std::int64_t> IncrementalReader::newestCursor(std::optional<std::int64_t> total) {
    std::int64_t t = total.value_or(-1);
    for (int attempt = 0; attempt < 2 && t > 0; ++attempt) {
        std::int64_t seen = -1;
        auto last = source_.probe(t - 1, cursorField_, seen);
        if (last && last->cursor) return last->cursor;
        if (last) return std::nullopt;  // unreadable: no bound can be drawn from it
        t = seen;                       // the list shrank meanwhile: try its new end once
    }
    return std::nullopt;
}

std::int64_t IncrementalReader::horizon(const ListPage& page) {
    if (horizon_) return *horizon_;
    horizon_ = newestCursor(page.total);
    if (!horizon_) horizon_ = maxCursor(page.items);
    if (!horizon_) horizon_ = std::numeric_limits<std::int64_t>::max();
    log::debug("run horizon",
               {{"stream", source_.stream()}, {"modified", formatUtcMicros(*horizon_)}});
    return *horizon_;
}

bool IncrementalReader::pastHorizon(std::int64_t last, const ListPage& page) {
    // Strictly before the clock's second: the Date header is truncated to whole seconds.
    if (!horizon_ && firstAnswerClock_ && last < *firstAnswerClock_) return false;
    return last > horizon(page);
}

void IncrementalReader::leaveRestToNextRun(std::int64_t reached,
                                           std::optional<std::int64_t> total) {
    outcome_.stoppedAtHorizon = true;
    log::info("records changed since the run started are left to the next run",
              {{"stream", source_.stream()},
               {"horizon", formatUtcMicros(*horizon_)},
               {"position", std::to_string(reached)},
               {"total", total ? std::to_string(*total) : std::string("?")}});
}

void IncrementalReader::noteUnsettled(const ListItem& item,
                                      std::optional<std::int64_t> serverDate) {
    if (!item.cursor) return;
    const std::int64_t now = serverDate.value_or(nowMicros());
    if (*item.cursor > now)
        log::warn(
            "record stamped later than the server's clock (a clock error in the CRM?); it "
            "is written, but the checkpoint stays before the clock, so it is read again "
            "on every run until the clock passes it",
            {{"stream", source_.stream()},
             {"record", item.key},
             {"modified", formatUtcMicros(*item.cursor)},
             {"server_clock", formatUtcMicros(now)}});
    noteUnsettled(*item.cursor, serverDate);
}

void IncrementalReader::noteUnsettled(std::int64_t value, std::optional<std::int64_t> serverDate) {
    const std::int64_t now = serverDate.value_or(nowMicros());
    if (settledBy(value, now)) return;
    // A value past the clock is held at the clock minus the settle time, which every
    // later edit passes (see the header).
    const std::int64_t floor = value > now ? now - settleMicros() : value;
    if (!unsettledFrom_ || floor < *unsettledFrom_) unsettledFrom_ = floor;
}

std::int64_t IncrementalReader::settleMicros() const {
    return static_cast<std::int64_t>(options_.settleSeconds * 1e6);
}

bool IncrementalReader::settledBy(std::int64_t value, std::int64_t clock) const {
    return value + settleMicros() < clock;
}

Checkpoint IncrementalReader::settled(const Checkpoint& next) const {
    Checkpoint out = next;
    if (unsettledFrom_ && !next.empty() && *unsettledFrom_ <= *next.modifiedMicros)
        // Records at or after unsettledFrom_ may still change without `modified` moving:
        // resume at the first of them next time.
        out = Checkpoint::openAt(*unsettledFrom_);
    Checkpoint merged = laterCheckpoint(loaded_, out);
    merged.position = next.position;
    merged.total = next.total;
    return merged;
}

void IncrementalReader::commit(const std::vector<ListItem*>& fresh, const Checkpoint& next,
                               std::int64_t position, std::optional<std::int64_t> total) {
    // The rows are moved out: once committed, only the items' cursors and keys are read.
    PageBatch batch = toBatch(fresh);
    Checkpoint cp = next;
    cp.position = position;
    cp.total = total.value_or(-1);
    batch.checkpoint = settled(cp);
    outcome_.totals.seen += static_cast<std::int64_t>(fresh.size());
    if (options_.dryRun) {
        outcome_.totals.upserted += static_cast<std::int64_t>(batch.records.size());
        outcome_.totals.rejected += static_cast<std::int64_t>(batch.rejects.size());
        outcome_.checkpoint = *batch.checkpoint;
        return;
    }
    if (batch.records.empty() && batch.rejects.empty() && *batch.checkpoint == outcome_.checkpoint)
        return;  // nothing new: a run with no changes writes nothing
    outcome_.checkpoint = *batch.checkpoint;
    sink_.submit(std::move(batch));
}

}  // namespace intouch
