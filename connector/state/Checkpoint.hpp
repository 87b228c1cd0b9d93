#pragma once
// Where an incremental stream stands. The list is ordered by `modified`, many
// records can share one value, and a tie group can come back in any order, so a
// bare timestamp is not enough: the checkpoint also says which members of the
// tie group at `modified` are already committed (or that all of them are).
//
// The vocabulary the readers use (docs/incremental-sync.md, "The checkpoint"):
//  * covers(record): the record is committed. It sorts at or before the checkpoint:
//    its `modified` is earlier, or equal and (the group is complete or its key is taken);
//  * coversGroup(modified): every record with that `modified` is committed. Unlike
//    covers() it ignores keys, so it is monotone along the list even when a tie group
//    comes back in another order on every request: the test for an overlap record
//    (the anchor) and for the place a search looks for;
//  * openAt(T, keys): the group at T is being read (`keys` of it are committed);
//    completeAt(T): all of it is. "Open" rather than "partial": more members may still
//    join it, which is why the reader reads it again whole.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace intouch {

struct Checkpoint {
    // Every record whose modified < this instant (UTC microseconds) is committed.
    // nullopt: nothing committed yet (next run is a full read).
    std::optional<std::int64_t> modifiedMicros;
    // Keys of records with modified == modifiedMicros that are committed.
    std::set<std::string> tieKeys;
    // True when every record with modified == modifiedMicros is committed.
    bool tieComplete = false;
    // Where the next run asks first (hints, never proof): last page's position, total (-1: none).
    std::int64_t position = 0;
    std::int64_t total = -1;
    // When it was stored (sync_state.updated_at, UTC microseconds); not part of equality.
    std::optional<std::int64_t> savedAtMicros;

    static Checkpoint openAt(std::int64_t modified, std::set<std::string> keys = {});
    static Checkpoint completeAt(std::int64_t modified);

    bool empty() const { return !modifiedMicros.has_value(); }
    // A record without a readable `modified` is never covered: it is written (or
    // rejected), not skipped.
    bool covers(std::optional<std::int64_t> modified, const std::string& key) const;
    bool coversGroup(std::int64_t modified) const;

    bool operator==(const Checkpoint& o) const {
        return modifiedMicros == o.modifiedMicros && tieKeys == o.tieKeys &&
               tieComplete == o.tieComplete;
    }
};

// The checkpoint further along the list; at equal values the groups merge (keys
// united, complete if either is).
Checkpoint laterCheckpoint(const Checkpoint& a, const Checkpoint& b);

// "2024-03-05 09:15:30.123456+00" for SQL and messages (formatUtcTimestamp).
std::string formatUtcMicros(std::int64_t micros);
// Parses PostgreSQL's timestamptz output ("2024-03-05 09:15:30.123+00") with parseInstant;
// throws std::runtime_error naming the text when it is not one.
std::int64_t parseUtcTimestamp(const std::string& text);

}  // namespace intouch
