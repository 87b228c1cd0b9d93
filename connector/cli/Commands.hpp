#pragma once

#include "cli/CommandLine.hpp"
#include "common/Errors.hpp"

namespace intouch {

// Runs one command; typed errors propagate to runCli, which owns exit codes.
ExitCode runCommand(const CommandLine& cl);

// The edge: parses argv, runs, and turns every error into one line on stderr
// and an exit code.
int runCli(int argc, const char* const argv[]);

}  // namespace intouch
