#pragma once
// `intouch-sync status`: one line per stream with checkpoint, lag, rows, the
// last run's outcome and the last success and failure, then the error of every
// stream whose last run did not succeed.

#include <vector>

#include "cli/Config.hpp"
#include "common/Errors.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

ExitCode runStatus(const Config& config, const std::vector<StreamSpec>& streams);

}  // namespace intouch
