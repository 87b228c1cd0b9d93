#include "sync/IncrementalSync.hpp"

#include <chrono>
#include <limits>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "sync/AsyncPageWriter.hpp"
#include "sync/IdOrderScan.hpp"
#include "sync/PositionSearch.hpp"
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

void addKeysAt(const std::vector<ListItem>& items, std::int64_t value,
               std::set<std::string>& keys) {
    for (const auto& i : items)
        if (i.cursor && *i.cursor == value && !i.key.empty()) keys.insert(i.key);
}

}  // namespace

Checkpoint laterCheckpoint(const Checkpoint& a, const Checkpoint& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    if (*a.modifiedMicros != *b.modifiedMicros)
        return *a.modifiedMicros > *b.modifiedMicros ? a : b;
    Checkpoint out = a;
    out.tieComplete = a.tieComplete || b.tieComplete;
    if (out.tieComplete)
        out.tieKeys.clear();
    else
        out.tieKeys.insert(b.tieKeys.begin(), b.tieKeys.end());
    out.position = std::max(a.position, b.position);
    out.total = b.total >= 0 ? b.total : a.total;
    return out;
}

IncrementalSync::IncrementalSync(PageFetcher& fetcher, PostgresWriter& writer,
                                 const RecordMapper& mapper, const StreamSpec& spec,
                                 const SyncOptions& options)
    : reader_(fetcher, mapper, spec),
      writer_(writer),
      mapper_(mapper),
      spec_(spec),
      options_(options) {}

bool IncrementalSync::atOrBefore(const ListItem& item, const Checkpoint& cp) const {
    if (cp.empty()) return false;
    // A record whose `modified` cannot be read has no place in the order; count
    // it as new so that it is written (or rejected) rather than skipped.
    if (!item.cursor) return false;
    if (*item.cursor < *cp.modifiedMicros) return true;
    if (*item.cursor > *cp.modifiedMicros) return false;
    return cp.tieComplete || cp.tieKeys.count(item.key) > 0;
}

std::int64_t IncrementalSync::locate(const Checkpoint& cp, std::optional<std::int64_t> near) {
    const std::string cursorField = mapper_.cursorSourceField();
    PositionSearch search([&](std::int64_t position, std::int64_t& total) {
        auto item = reader_.probe(position, cursorField, total);
        // The gallop's first probe is the last record: the run's horizon for free.
        if (!horizon_ && item && item->cursor && total > 0 && position == total - 1)
            horizon_ = item->cursor;
        return item;
    });
    // Group-level test (keys ignored): monotone along the list even when the tie
    // group comes back in another order on every request.
    const std::int64_t m = *cp.modifiedMicros;
    const bool complete = cp.tieComplete;
    auto after = [&](const ListItem& item) {
        if (!item.cursor) return true;
        return *item.cursor > m || (*item.cursor == m && !complete);
    };
    std::int64_t p = near ? search.firstAfterNear(*near, after) : search.firstAfter(after);
    log::debug("located resume position", {{"stream", spec_.name},
                                           {"position", std::to_string(p)},
                                           {"probes", std::to_string(search.probes())}});
    return p;
}

std::optional<std::int64_t> IncrementalSync::newestCursor(std::optional<std::int64_t> total) {
    const std::string cursorField = mapper_.cursorSourceField();
    std::int64_t t = total.value_or(-1);
    for (int attempt = 0; attempt < 2 && t > 0; ++attempt) {
        std::int64_t seen = -1;
        auto last = reader_.probe(t - 1, cursorField, seen);
        if (last && last->cursor) return last->cursor;
        if (last) return std::nullopt;  // unreadable: no bound can be drawn from it
        t = seen;                       // the list shrank meanwhile: try its new end once
    }
    return std::nullopt;
}

std::int64_t IncrementalSync::horizon(const ListPage& page) {
    if (horizon_) return *horizon_;
    horizon_ = newestCursor(page.total);
    if (!horizon_) horizon_ = maxCursor(page.items);
    if (!horizon_) horizon_ = std::numeric_limits<std::int64_t>::max();
    log::debug("run horizon", {{"stream", spec_.name}, {"modified", formatUtcMicros(*horizon_)}});
    return *horizon_;
}

void IncrementalSync::leaveRestToNextRun(std::int64_t reached, std::optional<std::int64_t> total) {
    outcome_.stoppedAtHorizon = true;
    log::info("records changed since the run started are left to the next run",
              {{"stream", spec_.name},
               {"horizon", formatUtcMicros(*horizon_)},
               {"position", std::to_string(reached)},
               {"total", total ? std::to_string(*total) : std::string("?")}});
}

void IncrementalSync::noteUnsettled(const ListItem& item, std::optional<std::int64_t> serverDate) {
    if (!item.cursor) return;
    const std::int64_t now = serverDate.value_or(nowMicros());
    if (*item.cursor > now)
        log::warn("record stamped later than the server's clock (a clock error in the CRM?); it "
                  "is written, but the checkpoint stays before the clock, so it is read again "
                  "on every run until the clock passes it",
                  {{"stream", spec_.name},
                   {"record", item.key},
                   {"modified", formatUtcMicros(*item.cursor)},
                   {"server_clock", formatUtcMicros(now)}});
    noteUnsettled(*item.cursor, serverDate);
}

void IncrementalSync::noteUnsettled(std::int64_t value, std::optional<std::int64_t> serverDate) {
    const std::int64_t now = serverDate.value_or(nowMicros());
    const auto settle = static_cast<std::int64_t>(options_.settleSeconds * 1e6);
    if (value + settle < now) return;
    // A value past the clock (a clock error in the data) would freeze the checkpoint there
    // for good: edits made later are stamped before it. The checkpoint is held at the
    // clock minus the settle time instead, which every later edit passes.
    const std::int64_t floor = value > now ? now - settle : value;
    if (!unsettledFrom_ || floor < *unsettledFrom_) unsettledFrom_ = floor;
}

Checkpoint IncrementalSync::checkpointToSave(const Checkpoint& next) const {
    Checkpoint out = next;
    if (unsettledFrom_ && !next.empty() && *unsettledFrom_ <= *next.modifiedMicros) {
        // Records at or after unsettledFrom_ may still change without `modified`
        // moving: resume at the first of them next time.
        out.modifiedMicros = *unsettledFrom_;
        out.tieKeys.clear();
        out.tieComplete = false;
    }
    Checkpoint merged = laterCheckpoint(loaded_, out);
    merged.position = next.position;
    merged.total = next.total;
    return merged;
}

void IncrementalSync::commit(const std::vector<ListItem*>& fresh, const Checkpoint& next,
                             std::int64_t position, std::optional<std::int64_t> total) {
    // The rows are moved out: once committed, only the items' cursors and keys are read.
    PageBatch batch = toBatch(fresh);
    Checkpoint cp = next;
    cp.position = position;
    cp.total = total.value_or(-1);
    batch.checkpoint = checkpointToSave(cp);
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
    pipeline_->submit(std::move(batch));
}

Checkpoint IncrementalSync::readTieGroupById(std::int64_t tie, const Checkpoint& cp,
                                             std::optional<std::int64_t> total) {
    // The group is larger than a page. Its members come back in a different
    // order on every request, so paging through it by position cannot promise
    // to see each one; in id order every record is visited (IdOrderScan), and
    // edits cannot move a record in that order.
    //
    // Such a scan costs a read of the whole list, so it is made to serve every
    // record at once, not just the group: anything stamped before `ceiling`, the
    // newest `modified` when the scan began, was last changed before the scan and
    // so is read by it in its current version (edits and inserts made during the
    // scan are stamped at or after `ceiling`, since `modified` never moves
    // backwards). The checkpoint may then jump to `ceiling`, so a list with many
    // oversized groups (bulk edits, continuous edits) costs one scan, not one
    // per group.
    ++outcome_.tieScans;
    const std::optional<std::int64_t> ceiling = newestCursor(total);
    // Records created after `ceiling` was read are stamped at or after it, so the
    // scan need not chase them (on a list that grows fast that could take long):
    // it may end at the largest id existing now, read after `ceiling`. The probe
    // must hit the true end of the list, so it is repeated if the list's size
    // changed; without a bound the scan simply reads to the end.
    std::optional<std::int64_t> lastId;
    std::int64_t size = total.value_or(-1);
    for (int attempt = 0; attempt < 3 && size > 0 && !lastId; ++attempt) {
        std::int64_t seen = -1;
        auto last = reader_.probe(size - 1, "id", seen);
        if (last && last->numericId && seen == size) lastId = last->numericId;
        size = seen;
    }
    log::info("tie group larger than a page; reading the list in id order",
              {{"stream", spec_.name},
               {"modified", formatUtcMicros(tie)},
               {"up_to", ceiling ? formatUtcMicros(*ceiling) : std::string("?")}});
    IdOrderScan scan(reader_, options_.pageSize, options_.maxRelocations);
    std::optional<std::int64_t> lastDate;
    scan.run(
        [&](ListPage& page, const std::vector<ListItem*>& fresh) {
            lastDate = page.serverDate;
            // The latest answer's total: rows written from this scan existed then.
            if (page.total) outcome_.apiTotal = page.total;
            std::vector<ListItem*> unseen;
            for (ListItem* item : fresh) {
                if (atOrBefore(*item, cp)) continue;
                unseen.push_back(item);
                noteUnsettled(*item, page.serverDate);
            }
            commit(unseen, cp, cp.position, page.total);
        },
        lastId);
    outcome_.relocations += scan.relocations();
    Checkpoint out = cp;
    if (ceiling && *ceiling > tie) {
        // Everything strictly before `ceiling` is in; the group at `ceiling` may
        // still be growing, so it is read again by position.
        out = Checkpoint{};
        out.modifiedMicros = ceiling;
        out.tieComplete = false;
    } else {
        out.tieComplete = true;
        out.tieKeys.clear();
        noteUnsettled(tie, lastDate);  // complete only once its second is over, as at the end
    }
    return out;
}

StreamOutcome IncrementalSync::run(const Checkpoint& loaded) {
    loaded_ = loaded;
    horizon_.reset();
    outcome_ = StreamOutcome{};
    pipeline_ = std::make_unique<AsyncPageWriter>(writer_);
    ProgressReporter progress = ProgressReporter::forStderr(spec_.name);
    outcome_.checkpoint = loaded;
    Checkpoint cp = loaded;
    if (options_.lookbackSeconds > 0 && cp.modifiedMicros) {
        cp = Checkpoint{};
        cp.modifiedMicros =
            *loaded.modifiedMicros - static_cast<std::int64_t>(options_.lookbackSeconds * 1e6);
    }
    const std::string cursorField = mapper_.cursorSourceField();
    const int size = options_.pageSize;
    std::int64_t position = 0;
    bool overlap = false;
    int unanchored = 0;      // relocations since the last page that could be read
    std::int64_t slack = 0;  // extra records of overlap between pages
    if (!cp.empty()) {
        std::int64_t p = locate(cp);
        position = p > 0 ? p - 1 : 0;
        overlap = p > 0;
    }
    while (true) {
        ListPage f = reader_.read(position, size, cursorField);
        auto& items = f.items;
        const auto n = static_cast<std::int64_t>(items.size());
        outcome_.apiTotal = f.total;
        // The overlap record must sort strictly before everything not yet
        // committed: before the cursor value, or inside a complete tie group.
        // A member of an incomplete group proves nothing, since other members
        // may have slid in front of it unseen.
        const bool anchored = n > 0 && items[0].cursor && !cp.empty() &&
                              (*items[0].cursor < *cp.modifiedMicros ||
                               (*items[0].cursor == *cp.modifiedMicros && cp.tieComplete));
        if (overlap && !anchored) {
            // Records before our place were deleted or edited away: the list slid
            // back and the offset now points past records never seen. It slid by as
            // many records as changed since the last page, so search back from here.
            ++outcome_.relocations;
            if (++unanchored > options_.maxRelocations)
                throw SourceError("the list of " + spec_.name +
                                  " keeps changing faster than it can be read (re-found the "
                                  "position " +
                                  std::to_string(options_.maxRelocations) +
                                  " times in a row without reading a page)");
            log::debug("list moved under the reader; re-finding position",
                       {{"stream", spec_.name}, {"position", std::to_string(position)}});
            std::int64_t p = locate(cp, position);
            const std::int64_t found = p > 0 ? p - 1 : 0;
            // Overlap later pages by twice the slide seen, so that the same rate of
            // change is absorbed by the overlap instead of costing a search per page.
            slack = std::min<std::int64_t>(std::max<std::int64_t>(slack, 2 * (position - found)),
                                           size / 4);
            position = found;
            overlap = p > 0;
            continue;
        }
        unanchored = 0;
        std::vector<ListItem*> fresh;
        for (auto& item : items) {
            if (atOrBefore(item, cp)) continue;
            fresh.push_back(&item);
            noteUnsettled(item, f.serverDate);
        }
        // A server capping `size` is read with the step it serves; one record per answer
        // leaves no room for the overlap (unless it is the end of an overstated list).
        const bool atEnd =
            f.reachesEnd(position) || reader_.endsShortOfTotal(f, position, cursorField);
        Checkpoint next = cp;
        std::int64_t nextPosition = position + std::max<std::int64_t>(n - 1, 1);
        std::optional<std::int64_t> bigTie;
        if (atEnd) {
            // This one answer holds everything from our place to the end of the
            // list, so every tie group in it is complete.
            auto top = maxCursor(items);
            if (top && (cp.empty() || *top > *cp.modifiedMicros)) {
                next = Checkpoint{};
                next.modifiedMicros = top;
                next.tieComplete = true;
            } else if (!cp.empty()) {
                next.tieComplete = true;
                next.tieKeys.clear();
            }
            // A group is only complete once its second is over: records created or
            // edited later in the same second join it. The members in this answer may
            // all be old news (or there may be none left), so the group's own value
            // is checked, not only the records written.
            if (next.modifiedMicros) noteUnsettled(*next.modifiedMicros, f.serverDate);
        } else {
            auto last = lastCursor(items);
            if (!last) {
                // No readable `modified` at all on a full page: nothing to anchor on.
                throw SourceError("a page of " + spec_.name + " at position " +
                                  std::to_string(position) + " has no readable '" + cursorField +
                                  "' values; cannot continue an incremental read");
            }
            const bool beforeOrAtComplete =
                !cp.empty() &&
                (*last < *cp.modifiedMicros || (*last == *cp.modifiedMicros && cp.tieComplete));
            if (!beforeOrAtComplete) {
                std::int64_t j = 0;
                while (j < n && !(items[static_cast<std::size_t>(j)].cursor &&
                                  *items[static_cast<std::size_t>(j)].cursor == *last))
                    ++j;
                next = Checkpoint{};
                next.modifiedMicros = last;
                next.tieComplete = false;
                if (!cp.empty() && *cp.modifiedMicros == *last) next.tieKeys = cp.tieKeys;
                addKeysAt(items, *last, next.tieKeys);
                if (j >= 2) {
                    // Next page starts with the record just before the tie group at
                    // `last`, so the whole group is read again in one answer.
                    nextPosition = position + j - 1;
                } else {
                    bigTie = last;
                }
            }
        }
        commit(fresh, next, position, f.total);
        progress.update(position + n, f.total);
        cp = next;
        if (!atEnd) {
            // Records stamped after the run's horizon changed after it started. Chasing
            // them could last forever under steady edits (each second's bulk edit can
            // outgrow a page and need a scan of its own), so they are left to the next
            // run, which starts exactly here: the checkpoint never passes a record unseen.
            auto last = lastCursor(items);
            if (last && *last > horizon(f)) {
                leaveRestToNextRun(position + n, f.total);
                break;
            }
        }
        if (bigTie) {
            const std::int64_t before = *cp.modifiedMicros;
            cp = readTieGroupById(*bigTie, cp, f.total);
            commit({}, cp, position, f.total);
            if (*cp.modifiedMicros != before) {
                // The scan covered everything stamped before the list's newest record.
                // If that record changed after this run began, the rest is the next
                // run's; likewise if it is so recent that no checkpoint of this run
                // could pass it (reading on would only chase the clock).
                const bool newer = *cp.modifiedMicros > horizon(f);
                const bool unsettled = unsettledFrom_ && *unsettledFrom_ <= *cp.modifiedMicros;
                if (newer || unsettled) {
                    leaveRestToNextRun(position + n, f.total);
                    break;
                }
                // Nothing changed since the run began: read on from the new checkpoint.
                std::int64_t p = locate(cp);
                position = p > 0 ? p - 1 : 0;
                overlap = p > 0;
                continue;
            }
        }
        if (atEnd) {
            outcome_.readToEnd = true;
            break;
        }
        // The widened overlap is bounded by the step the server actually serves.
        position = std::max(position + 1, nextPosition - std::min(slack, n / 4));
        overlap = true;
    }
    Totals written = pipeline_->finish();
    progress.finish();
    pipeline_.reset();
    outcome_.totals += written;
    return outcome_;
}

}  // namespace intouch
