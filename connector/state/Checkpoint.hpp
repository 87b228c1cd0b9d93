#pragma once
// Where an incremental stream stands. The list is ordered by `modified`, many
// records can share one value, and a tie group can come back in any order, so a
// bare timestamp is not enough: the checkpoint also says which members of the
// tie group at `modified` are already committed (or that all of them are).

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
    // Hints for the next run's search: the position and total seen last.
    std::int64_t position = 0;
    std::int64_t total = -1;
    // When it was stored (sync_state.updated_at, UTC microseconds); not part of equality.
    std::optional<std::int64_t> savedAtMicros;

    bool empty() const { return !modifiedMicros.has_value(); }
    bool operator==(const Checkpoint& o) const {
        return modifiedMicros == o.modifiedMicros && tieKeys == o.tieKeys &&
               tieComplete == o.tieComplete;
    }
};

// "2024-03-05 09:15:30.123456+00" for SQL and messages (formatUtcTimestamp).
std::string formatUtcMicros(std::int64_t micros);
// Parses PostgreSQL's timestamptz output ("2024-03-05 09:15:30.123+00") with parseInstant;
// throws std::runtime_error naming the text when it is not one.
std::int64_t parseUtcTimestamp(const std::string& text);

}  // namespace intouch
