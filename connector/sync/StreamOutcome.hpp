#pragma once

#include <cstdint>
#include <optional>

#include "state/Checkpoint.hpp"
#include "state/RunHistory.hpp"

namespace intouch {

struct StreamOutcome {
    Totals totals;
    Checkpoint checkpoint;                 // as persisted at the end
    std::optional<std::int64_t> apiTotal;  // `total` of the last list answer
    bool readToEnd = false;                // the traversal reached the end of the list
    bool stoppedAtHorizon = false;         // ended before records changed during the run
    std::int64_t relocations = 0;          // times the list moved and the reader re-found its place
    std::int64_t tieScans = 0;             // tie groups larger than a page read by id
};

}  // namespace intouch
