#pragma once

#include <cstdint>
#include <vector>

#include "Rng.h"

namespace intouch::sim {

// Generated data must not depend on the wall clock, or a seed would not reproduce it.
// Everything generated lies before this instant: 2025-01-01T00:00:00Z.
inline constexpr int64_t kBaseInstant = 1735689600;
inline constexpr int64_t kDay = 86400;

struct TimestampWindow {
    int64_t from;  // inclusive
    int64_t to;    // exclusive
};

// `entered` of generated records: the second-to-last year before the base instant.
inline constexpr TimestampWindow kEnteredWindow{kBaseInstant - 730 * kDay,
                                                kBaseInstant - 365 * kDay};
// `modified` of generated records: the last year before the base instant, so every
// modified >= entered while modified stays uncorrelated with id.
inline constexpr TimestampWindow kModifiedWindow{kBaseInstant - 365 * kDay, kBaseInstant - 3600};

struct TimestampPlanParams {
    int64_t count = 0;    // records in the stream
    int64_t tieSize = 1;  // consecutive records (in modified order) sharing one value
    // iso-local output cannot express instants in the repeated autumn hour unambiguously.
    bool avoidAmbiguousLocal = false;
};

struct TimestampPlan {
    std::vector<int64_t> entered;   // ascending with the record index (= id order)
    std::vector<int64_t> modified;  // shuffled against the record index
};

// Instants at the process time zone's offset changes inside the modified window: both sides
// of each spring gap and both occurrences of each repeated autumn hour (the latter omitted
// when avoidAmbiguousLocal).
std::vector<int64_t> dstEdgeInstants(bool avoidAmbiguousLocal);

TimestampPlan planTimestamps(Rng& rng, const TimestampPlanParams& p);

}  // namespace intouch::sim
