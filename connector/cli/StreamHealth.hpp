#pragma once
// What the on-call person asks of each stream at 3 a.m.: how far behind is it
// (lag = now minus the last `modified` committed), when did it last succeed and
// last fail. Read from sync_state and sync_stream_runs, so `status` and the
// metrics always agree with the tables the warehouse alerts on.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

struct StreamHealth {
    std::string stream;
    bool incremental = true;
    std::optional<std::int64_t> checkpointMicros;  // last `modified` committed (UTC)
    std::optional<double> lagSeconds;              // now - checkpoint; incremental streams only
    std::string lastOutcome;                       // "" = never run
    std::optional<std::int64_t> lastStartedMicros;
    std::string lastError;
    std::optional<std::int64_t> lastSuccessMicros;  // end of the last success (or partial)
    std::optional<std::int64_t> lastFailureMicros;  // last failed or interrupted run
    // A first sync with history ended before writing its rows' first versions
    // (sync_versions_owed): the next write to the stream writes them.
    bool versionsOwed = false;
};

// One entry per spec, in the order given. nowMicros is the wall clock (UTC).
std::vector<StreamHealth> readStreamHealth(pqxx::transaction_base& tx, const std::string& schema,
                                           const std::vector<StreamSpec>& streams,
                                           std::int64_t nowMicros);

std::int64_t nowUtcMicros();
// "3d 04h", "2h 05m", "4m 10s", "12s": lag for people.
std::string formatLag(double seconds);

}  // namespace intouch
