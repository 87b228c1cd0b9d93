#pragma once
// `intouch-sync state show|reset|set`: look at and repair checkpoints without
// writing SQL by hand. Changes take the stream's advisory lock (a running sync
// would overwrite them with its next page) and are recorded in sync_runs so the
// run history explains why a stream was suddenly re-read.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/CommandLine.hpp"
#include "cli/Config.hpp"
#include "common/Errors.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

// `streams` are the selected (validated) streams: those named by --stream.
ExitCode runState(const CommandLine& cl, const Config& config,
                  const std::vector<StreamSpec>& streams);

// ISO 8601 date-time with a UTC offset ("2024-06-01T00:00:00+02:00", "...Z",
// fraction optional) as UTC microseconds; nullopt when it is not one. Without an
// offset the instant would depend on whose clock reads it: refused.
std::optional<std::int64_t> parseIsoInstant(const std::string& text);

}  // namespace intouch
