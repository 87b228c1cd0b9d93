#pragma once
// The metrics of one `sync` or `reconcile` run: per stream records, requests,
// retries, 429 waits, duration, outcome, and (read back from the run history, so
// they survive a failed run) last success, last failure and lag. Published to a
// file and/or a Pushgateway; never fails the run: a metrics problem is a warning.

#include <exception>
#include <string>
#include <vector>

#include "cli/Config.hpp"
#include "common/Errors.hpp"
#include "mapping/MappingSpec.hpp"
#include "sync/SyncJob.hpp"

namespace intouch {

struct MetricsTarget {
    std::string file;
    std::string pushgateway;
    bool enabled() const { return !file.empty() || !pushgateway.empty(); }
};

// The text; exposed for tests of the format.
std::string renderRunMetrics(const Config& config, const std::string& command,
                             const std::vector<StreamSpec>& streams, const SyncReport& report,
                             ExitCode exitCode);

// The metrics file of one source of a multi-source config: intouch_sync.prom ->
// intouch_sync_<source>.prom beside it (the textfile collector reads every *.prom), so that
// sources do not overwrite each other. Unchanged without a source.
std::string metricsFileForSource(const std::string& file, const std::string& source);

// Renders and publishes; logs a warning for every failure and never throws.
void publishRunMetrics(const MetricsTarget& target, const Config& config,
                       const std::string& command, const std::vector<StreamSpec>& streams,
                       const SyncReport& report, ExitCode exitCode);

}  // namespace intouch
