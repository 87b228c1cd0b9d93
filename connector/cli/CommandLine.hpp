#pragma once
// Parsing of `intouch-sync <command> [options]` (with CLI11). Kept apart from the
// commands so that the contract (names other tooling depends on) is in one place.

#include <optional>
#include <string>
#include <vector>

namespace intouch {

struct CommandLine {
    std::string command;  // migrate, sync, reconcile, status, check, plan, state, help, version
    std::string subcommand;  // state: show, reset, set
    std::string helpTopic;   // `help COMMAND`: the command; empty = the overview
    std::string configPath;
    std::vector<std::string> streams;  // --stream (repeatable)
    bool fullRefresh = false;
    bool dryRun = false;
    bool hardDelete = false;  // reconcile --hard-delete
    bool help = false;
    double waitLockSeconds = 0;
    std::optional<std::string> logLevel;
    std::optional<std::string> logFormat;
    std::optional<std::string> modified;     // state set --modified TS
    std::optional<std::string> metricsFile;  // sync/reconcile --metrics-file PATH
    std::optional<std::string> pushgateway;  // sync/reconcile --pushgateway URL
    // A config with `sources:`: --source NAME (repeatable; default: every source), and how
    // many run at once (--parallel N, default 1).
    std::vector<std::string> sources;
    int parallel = 1;
    std::vector<std::string> args;  // argv after the program name, as given
};

// Throws ConfigError (exit code 2) with a one-line reason.
CommandLine parseCommandLine(int argc, const char* const argv[]);

std::string usageText();
std::string commandHelp(const std::string& command);
// "intouch-sync VERSION" and the git revision it was configured from (`--version`).
std::string versionText();

}  // namespace intouch
