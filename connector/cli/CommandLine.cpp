#include "cli/CommandLine.hpp"

#include <set>

#include "common/Errors.hpp"

namespace intouch {

namespace {
const std::set<std::string> kCommands = {"migrate", "sync", "reconcile", "status", "check", "state", "plan"};
const std::set<std::string> kStateSubcommands = {"show", "reset", "set"};

const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  internal error\n"
    "  2  configuration or usage error (config file, mapping files, command line)\n"
    "  3  completed, but some records were rejected (see table sync_rejects)\n"
    "  4  authentication or permission error at the CRM (401/403)\n"
    "  5  CRM unavailable (network, maintenance, errors after retries)\n"
    "  6  PostgreSQL unavailable or failing\n"
    "  7  another run holds the lock of a stream\n"
    "  8  interrupted by SIGTERM/SIGINT (what was committed is kept)\n"
    "  9  the other streams synced, but this CRM does not serve some (404 on their endpoint)\n"
    "A stream that fails does not stop the others; the run then exits with the most serious\n"
    "code of its streams, in this order: 1, 6, 5, 2, 4, 7, 9, 3.\n";
}  // namespace

std::string usageText() {
    return std::string(
               "Usage: intouch-sync <command> --config FILE [options]\n"
               "\n"
               "Exports an InTouch CRM into PostgreSQL, incrementally and without losing records.\n"
               "\n"
               "Commands:\n"
               "  migrate   create or upgrade the target schema (migrations/*.sql)\n"
               "  sync      export every stream (or --stream NAME) changed since the last run\n"
               "  reconcile find records deleted in the CRM and mark them (deleted_at) or remove them\n"
               "  status    show each stream's checkpoint, lag, row count, last success and failure\n"
               "  check     validate the config and mappings, reach the CRM and PostgreSQL, and\n"
               "            compare the mappings with the tables\n"
               "  plan      print the migration SQL that would make the tables match the mappings\n"
               "  state     show, reset or rewind the checkpoints (state show|reset|set)\n"
               "\n"
               "Run `intouch-sync <command> --help` for the options of a command.\n\n") +
           kExitCodes;
}

std::string commandHelp(const std::string& command) {
    std::string common =
        "  --config FILE        the YAML config file (required)\n"
        "  --log-level LEVEL    debug, info, warn or error (default info)\n"
        "  --log-format FORMAT  text or json (default text)\n"
        "  --help               this text\n";
    // Both sync-like commands publish the same metrics (see docs/operations.md).
    std::string metrics =
        "  --metrics-file PATH  write Prometheus metrics there (atomically) after the run\n"
        "  --pushgateway URL    also push them to a Prometheus Pushgateway (failure only warns)\n";
    if (command == "migrate")
        return "Usage: intouch-sync migrate --config FILE\n\n"
               "Applies the numbered SQL files of the migrations directory that are not applied\n"
               "yet, each in its own transaction, recorded with a checksum in\n"
               "<schema>.schema_migrations. Re-running is a no-op; an applied file that changed\n"
               "is an error.\n\nOptions:\n" + common + "\n" + kExitCodes;
    if (command == "sync")
        return "Usage: intouch-sync sync --config FILE [--stream NAME]... [--full-refresh]\n\n"
               "Reads every stream (or only the named ones) from the CRM and upserts the records\n"
               "into PostgreSQL, one transaction per page together with the stream's checkpoint.\n"
               "The next run continues after the last committed page.\n\nOptions:\n"
               "  --stream NAME        sync only this stream (repeatable)\n"
               "  --full-refresh       forget the checkpoints and read the streams from the start\n"
               "  --dry-run            fetch and map, report what would be written, write nothing\n"
               "  --wait-lock SECONDS  wait this long for a concurrent run of a stream to finish\n" +
               metrics + common + "\n" + kExitCodes;
    if (command == "reconcile")
        return "Usage: intouch-sync reconcile --config FILE [--stream NAME]... [--hard-delete]\n\n"
               "The CRM has no deletion feed: this walks each stream's whole list in id order\n"
               "(immune to edits made meanwhile), upserts what it reads (so records that came\n"
               "back are undeleted) and marks rows whose ids it did not see: deleted_at is set,\n"
               "or with --hard-delete (or sync.delete_mode: hard) the rows and their children are\n"
               "removed. `sync` runs it by itself when a table holds more live rows than the\n"
               "CRM lists (sync.reconcile: auto) or every Nth run (sync.reconcile_every_runs).\n\n"
               "Options:\n"
               "  --stream NAME        reconcile only this stream (repeatable)\n"
               "  --hard-delete        remove vanished rows instead of setting deleted_at\n"
               "  --dry-run            read the lists, write nothing\n"
               "  --wait-lock SECONDS  wait this long for a concurrent run of a stream to finish\n" +
               metrics + common + "\n" + kExitCodes;
    if (command == "status")
        return "Usage: intouch-sync status --config FILE\n\n"
               "Prints, per stream: the checkpoint (last `modified` committed), the lag (now minus\n"
               "that checkpoint), rows in the table, the last run's outcome, and when the stream\n"
               "last succeeded and last failed (UTC).\n\nOptions:\n" + common +
               "\n" + kExitCodes;
    if (command == "state")
        return "Usage: intouch-sync state show  --config FILE\n"
               "       intouch-sync state reset --config FILE --stream NAME...\n"
               "       intouch-sync state set   --config FILE --stream NAME... --modified TS\n\n"
               "show   prints every checkpoint in sync_state (a ':full-refresh' row is an\n"
               "       interrupted --full-refresh that the next --full-refresh resumes).\n"
               "reset  forgets the checkpoint: the next sync reads the stream from the start.\n"
               "set    rewinds the checkpoint to TS, an ISO 8601 time with offset such as\n"
               "       2024-06-01T00:00:00+02:00 or 2024-05-31T22:00:00Z: the next sync re-reads\n"
               "       every record modified at or after TS.\n"
               "reset and set take the stream's lock (a running sync makes them exit 7) and are\n"
               "recorded in sync_runs.\n\nOptions:\n"
               "  --stream NAME        the stream to change (repeatable; required by reset and set)\n"
               "  --modified TS        the new checkpoint (set only)\n"
               "  --wait-lock SECONDS  wait this long for a running sync of the stream to finish\n" +
               common + "\n" + kExitCodes;
    if (command == "plan")
        return "Usage: intouch-sync plan --config FILE\n\n"
               "Compares every mapping with its tables in PostgreSQL and prints the SQL (CREATE\n"
               "TABLE, ADD COLUMN, ALTER COLUMN TYPE, SET/DROP NOT NULL) that would make the\n"
               "database match, for you to review and save as the next numbered file in\n"
               "migrations/. Writes nothing.\n\n"
               "Options:\n" + common + "\n" + kExitCodes;
    if (command == "check")
        return "Usage: intouch-sync check --config FILE\n\n"
               "Validates the config file and every mapping file, then checks that PostgreSQL is\n"
               "reachable and migrated and that the CRM answers /api/about. Writes nothing.\n\n"
               "Options:\n" + common + "\n" + kExitCodes;
    return usageText();
}

CommandLine parseCommandLine(int argc, const char* const argv[]) {
    CommandLine cl;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) throw ConfigError("no command given; run `intouch-sync --help`");
    std::size_t i = 0;
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        cl.command = "help";
        cl.help = true;
        return cl;
    }
    cl.command = args[i++];
    if (!kCommands.count(cl.command))
        throw ConfigError("unknown command '" + cl.command +
                          "' (commands: migrate, sync, reconcile, status, check, plan, state; see --help)");
    if (cl.command == "state" && i < args.size() && args[i].rfind("-", 0) != 0) {
        cl.subcommand = args[i++];
        if (!kStateSubcommands.count(cl.subcommand))
            throw ConfigError("unknown state command '" + cl.subcommand + "' (show, reset or set)");
    }
    auto value = [&](const std::string& flag) -> std::string {
        if (i >= args.size()) throw ConfigError(flag + " needs a value");
        return args[i++];
    };
    const bool syncLike = cl.command == "sync" || cl.command == "reconcile";
    const bool stateChange = cl.command == "state" && cl.subcommand != "show";
    while (i < args.size()) {
        std::string a = args[i++];
        std::string inlineValue;
        bool hasInline = false;
        if (a.rfind("--", 0) == 0) {
            if (auto eq = a.find('='); eq != std::string::npos) {
                inlineValue = a.substr(eq + 1);
                a = a.substr(0, eq);
                hasInline = true;
            }
        }
        auto take = [&](const std::string& flag) { return hasInline ? inlineValue : value(flag); };
        if (a == "--help" || a == "-h") {
            cl.help = true;
        } else if (a == "--config" || a == "-c") {
            cl.configPath = take(a);
        } else if (a == "--log-level") {
            cl.logLevel = take(a);
        } else if (a == "--log-format") {
            cl.logFormat = take(a);
        } else if ((syncLike || stateChange) && a == "--stream") {
            cl.streams.push_back(take(a));
        } else if (cl.command == "sync" && a == "--full-refresh") {
            cl.fullRefresh = true;
        } else if (cl.command == "reconcile" && a == "--hard-delete") {
            cl.hardDelete = true;
        } else if (syncLike && a == "--dry-run") {
            cl.dryRun = true;
        } else if (cl.command == "state" && cl.subcommand == "set" && a == "--modified") {
            cl.modified = take(a);
        } else if (syncLike && a == "--metrics-file") {
            cl.metricsFile = take(a);
        } else if (syncLike && a == "--pushgateway") {
            cl.pushgateway = take(a);
        } else if ((syncLike || stateChange) && a == "--wait-lock") {
            std::string v = take(a);
            try {
                cl.waitLockSeconds = std::stod(v);
            } catch (const std::exception&) {
                throw ConfigError("--wait-lock needs a number of seconds, not '" + v + "'");
            }
        } else {
            throw ConfigError("unknown option '" + a + "' for `" + cl.command +
                              "` (see `intouch-sync " + cl.command + " --help`)");
        }
    }
    if (cl.help) return cl;
    if (cl.command == "state") {
        // Changing every checkpoint at once is rare and costly to undo: name the streams.
        if (cl.subcommand.empty())
            throw ConfigError("`state` needs show, reset or set (see `intouch-sync state --help`)");
        if (stateChange && cl.streams.empty())
            throw ConfigError("`state " + cl.subcommand + "` needs --stream NAME");
        if (cl.subcommand == "set" && !cl.modified)
            throw ConfigError("`state set` needs --modified TS (e.g. 2024-06-01T00:00:00+02:00)");
    }
    if (cl.configPath.empty()) throw ConfigError("`" + cl.command + "` needs --config FILE");
    return cl;
}

}  // namespace intouch
