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

// The instant of `state set --modified`, as UTC microseconds; nullopt for the other
// subcommands. A time without an offset (whose clock would read it?) or in the future
// (every record would be skipped until then) is a ConfigError.
std::optional<std::int64_t> checkpointToSet(const CommandLine& cl);

// `streams` are the selected (validated) streams: those named by --stream.
ExitCode runState(const CommandLine& cl, const Config& config,
                  const std::vector<StreamSpec>& streams);

}  // namespace intouch
