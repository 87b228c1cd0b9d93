#pragma once
// Reads an offset-paged list ordered by `modified` while other people edit it,
// without losing a record. See docs/incremental-sync.md for the algorithm and
// what it assumes of the server. In short:
//  * every page after the first is requested so that it overlaps the previous
//    one by at least one record; that record must still sort at or before the
//    checkpoint, which proves nothing slid past unseen. When it does not, the
//    reader re-finds its place by search instead of trusting the offset;
//  * the checkpoint is (modified, keys of the tie group at that value, whether
//    the group is complete), so ties returned in any order neither repeat
//    forever nor lose late members;
//  * a tie group larger than a page is read by id order, which edits and tie
//    order cannot disturb; that scan also covers every record older than the
//    list's newest, so the checkpoint jumps there (one scan, not one per group);
//  * a run ends once it has read past the newest record of the list as it was
//    when the run began; records changed later are the next run's, so a run
//    under steady edits still ends;
//  * the checkpoint is never advanced past records so recent that they could
//    still change within the same `modified` value.

#include <memory>
#include <optional>

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "sink/PostgresWriter.hpp"
#include "source/PageFetcher.hpp"
#include "sync/AsyncPageWriter.hpp"
#include "sync/ListItem.hpp"
#include "sync/ListReader.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

class IncrementalSync {
  public:
    IncrementalSync(PageFetcher& fetcher, PostgresWriter& writer, const RecordMapper& mapper,
                    const StreamSpec& spec, const SyncOptions& options);

    StreamOutcome run(const Checkpoint& loaded);

  private:
    bool atOrBefore(const ListItem& item, const Checkpoint& cp) const;
    // Position of the first record that sorts after cp (by modified); `near`, when
    // given, is a position known to be at or after it (searched back from there).
    std::int64_t locate(const Checkpoint& cp, std::optional<std::int64_t> near = std::nullopt);
    // Reads a tie group larger than a page (and, on the way, every record older
    // than the list's newest) in id order; returns the checkpoint after it.
    Checkpoint readTieGroupById(std::int64_t tie, const Checkpoint& cp,
                                std::optional<std::int64_t> total);
    // `modified` of the list's last record, by one probe; nullopt if unreadable.
    std::optional<std::int64_t> newestCursor(std::optional<std::int64_t> total);
    // Largest `modified` in the list when the run began (probed once, lazily: a run
    // that fits in one answer never needs it). The run ends once it has passed it.
    std::int64_t horizon(const ListPage& page);
    // Ends the run before the records changed since it began (see horizon()).
    void leaveRestToNextRun(std::int64_t reached, std::optional<std::int64_t> total);
    void noteUnsettled(const ListItem& item, std::optional<std::int64_t> serverDate);
    void noteUnsettled(std::int64_t value, std::optional<std::int64_t> serverDate);
    // The checkpoint a page saves when the reader has reached `next`: held at
    // unsettledFrom_ and never behind the loaded one (computes; saving is the writer's).
    Checkpoint checkpointToSave(const Checkpoint& next) const;
    void commit(const std::vector<ListItem*>& fresh, const Checkpoint& next, std::int64_t position,
                std::optional<std::int64_t> total);

    ListReader reader_;
    PostgresWriter& writer_;
    const RecordMapper& mapper_;
    const StreamSpec& spec_;
    SyncOptions options_;
    Checkpoint loaded_;
    std::optional<std::int64_t> horizon_;
    // Smallest `modified` of a record not yet settled (within settleSeconds of the
    // server's clock): the checkpoint to save is held there.
    std::optional<std::int64_t> unsettledFrom_;
    StreamOutcome outcome_;
    // Writes committed pages while the next one is fetched.
    std::unique_ptr<AsyncPageWriter> pipeline_;
};

// Checkpoint order: the one further along the list; equal values merge.
Checkpoint laterCheckpoint(const Checkpoint& a, const Checkpoint& b);

}  // namespace intouch
