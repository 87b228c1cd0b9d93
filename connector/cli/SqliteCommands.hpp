#pragma once
// migrate, plan, status, state and check's database part on the SQLite target
// (target.sqlite); sync and reconcile go through SyncJob like PostgreSQL's.

#include <cstddef>
#include <vector>

#include "cli/CommandLine.hpp"
#include "cli/Config.hpp"
#include "common/Errors.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

ExitCode runSqliteMigrate(const Config& config, const std::vector<StreamSpec>& streams);
ExitCode runSqlitePlan(const Config& config, const std::vector<StreamSpec>& streams);
// Prints the file's state and each difference from the mappings; returns how many.
std::size_t printSqliteCheck(const Config& config, const std::vector<StreamSpec>& streams);
ExitCode runSqliteStatus(const Config& config, const std::vector<StreamSpec>& streams);
ExitCode runSqliteState(const CommandLine& cl, const Config& config, const std::vector<StreamSpec>& streams);

}  // namespace intouch
