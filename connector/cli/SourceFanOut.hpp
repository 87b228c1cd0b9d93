#pragma once
// A config that lists several CRMs (`sources:`) runs a command once per source, each in a
// child process of this executable with `--source NAME`: every source keeps its own
// process state (log context, secrets, metrics), a source that fails or hangs does not
// take the others with it, and its output stays in one piece. Sources run at most
// `--parallel N` at a time, in the config's order.

#include <string>
#include <vector>

#include "cli/CommandLine.hpp"
#include "common/Errors.hpp"

namespace intouch {

// Runs `cl` for each of `sources`; prints each one's output (stdout, as a block under a
// header, when it ends; its log lines on stderr as they come) and a summary line per
// source; returns the worst exit code (see worseExitCode).
ExitCode runForEachSource(const CommandLine& cl, const std::vector<std::string>& sources);

// The worse of two exit codes, ranked as the streams of one run are (sync/StreamFailure.hpp):
// 0, 3, 9, 7, 4, 2, 5, 6, 8, 1 from least to most serious.
ExitCode worseExitCode(ExitCode a, ExitCode b);

}  // namespace intouch
