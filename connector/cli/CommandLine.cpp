#include "cli/CommandLine.hpp"

#include <CLI/CLI.hpp>
#include <set>

#include "cli/Version.hpp"
#include "common/Errors.hpp"

namespace intouch {

namespace {
const std::set<std::string> kCommands = {"migrate", "sync", "reconcile", "status", "check", "state", "plan"};

const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  internal error\n"
    "  2  configuration or usage error (config file, mapping files, command line)\n"
    "  3  completed, but some records were rejected (see table sync_rejects)\n"
    "  4  authentication or permission error at the CRM (401/403)\n"
    "  5  CRM unavailable (network, maintenance, errors after retries)\n"
    "  6  the target database (PostgreSQL, or the SQLite file) unavailable or failing\n"
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
               "Exports an InTouch CRM into PostgreSQL (or a SQLite file: target.sqlite), incrementally\n"
               "and without losing records.\n"
               "\n"
               "Commands:\n"
               "  migrate    create or upgrade the target schema (migrations/*.sql; SQLite: from the mappings)\n"
               "  sync       export every stream (or --stream NAME) changed since the last run\n"
               "  reconcile  find records deleted in the CRM and mark them (deleted_at) or remove them\n"
               "  status     show each stream's checkpoint, lag, row count, last success and failure\n"
               "  check      validate the config and mappings, reach the CRM and PostgreSQL, and\n"
               "             compare the mappings with the tables\n"
               "  plan       print the migration SQL that would make the tables match the mappings\n"
               "  state      show, reset or rewind the checkpoints (state show|reset|set)\n"
               "\n"
               "Run `intouch-sync <command> --help` (or `intouch-sync help <command>`) for the\n"
               "options of a command, `intouch-sync --version` for the version.\n\n") +
           kExitCodes;
}

std::string commandHelp(const std::string& command) {
    std::string common =
        "  --config FILE        the YAML config file (required)\n"
        "  --log-level LEVEL    debug, info, warn or error (default info)\n"
        "  --log-format FORMAT  text or json (default text)\n"
        "  --source NAME        a config with sources: only this CRM (repeatable; default all)\n"
        "  --parallel N         a config with sources: run N of them at once (default 1)\n"
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
               "is an error. Then sets the comments of tables and columns from the mappings'\n"
               "descriptions and creates or replaces the <table>_current views (current rows,\n"
               "coded columns decoded), where they differ from the mappings.\n\nOptions:\n" +
               common + "\n" + kExitCodes;
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
               "TABLE, ADD COLUMN, ALTER COLUMN TYPE, SET/DROP NOT NULL, COMMENT ON) that would\n"
               "make the database match, for you to review and save as the next numbered file\n"
               "in migrations/. Writes nothing.\n\n"
               "Options:\n" + common + "\n" + kExitCodes;
    if (command == "check")
        return "Usage: intouch-sync check --config FILE\n\n"
               "Validates the config file and every mapping file, then checks that PostgreSQL is\n"
               "reachable and migrated and that the CRM answers /api/about. Writes nothing.\n\n"
               "Options:\n" + common + "\n" + kExitCodes;
    return usageText();
}

namespace {

const char* kUnknownCommand = "' (commands: migrate, sync, reconcile, status, check, plan, state; see --help)";

// CLI11 parses; the help texts above, the error messages and exit code 2 stay ours,
// because scripts and the docs depend on them. CLI11 rather than Poco::Util's
// OptionProcessor: it has subcommands (and state's sub-subcommands), repeatable options
// and `--opt=value` built in, is header-only and packaged in Debian (libcli11-dev).
void useCliConventions(CLI::App& app) {
    app.set_help_flag();  // ours: --help prints commandHelp(), with the exit codes
    app.allow_extras();   // leftovers are reported below, in our words
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// The first argument a command did not take: an unknown option (without its `=value`)
// or a stray word.
std::optional<std::string> firstLeftover(const CLI::App& app) {
    std::vector<std::string> rest = app.remaining();
    if (rest.empty()) return std::nullopt;
    std::string a = rest.front();
    if (a.rfind("--", 0) == 0) a = a.substr(0, a.find('='));
    return a;
}

// "--stream: 1 required TEXT missing" -> "--stream needs a value".
std::string describeParseError(const CLI::ParseError& e) {
    std::string what = e.what();
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
        if (auto colon = what.find(':'); colon != std::string::npos && what.rfind("-", 0) == 0)
            return what.substr(0, colon) + " needs a value";
    }
    return what;
}

double waitLockSeconds(const std::string& text) {
    try {
        std::size_t used = 0;
        const double seconds = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        return seconds;
    } catch (const std::exception&) {
        throw ConfigError("--wait-lock needs a number of seconds, not '" + text + "'");
    }
}

int parallelSources(const std::string& text) {
    try {
        std::size_t used = 0;
        const int n = std::stoi(text, &used);
        if (used != text.size() || n < 1) throw std::invalid_argument(text);
        return n;
    } catch (const std::exception&) {
        throw ConfigError("--parallel needs a number of sources of at least 1, not '" + text + "'");
    }
}

// What a command cannot run without (its --help needs none of it).
void requireArguments(const CommandLine& cl) {
    if (cl.command == "state") {
        // Changing every checkpoint at once is rare and costly to undo: name the streams.
        if (cl.subcommand.empty())
            throw ConfigError("`state` needs show, reset or set (see `intouch-sync state --help`)");
        if (cl.subcommand != "show" && cl.streams.empty())
            throw ConfigError("`state " + cl.subcommand + "` needs --stream NAME");
        if (cl.subcommand == "set" && !cl.modified)
            throw ConfigError("`state set` needs --modified TS (e.g. 2024-06-01T00:00:00+02:00)");
    }
    if (cl.configPath.empty()) throw ConfigError("`" + cl.command + "` needs --config FILE");
}

// The grammar: every command with its options, bound to the fields of `cl`.
struct Grammar {
    CLI::App app{"", "intouch-sync"};
    CLI::App* help = nullptr;
    CLI::App* state = nullptr;
    std::string waitLock, parallel, helpTopic;
    bool version = false;

    explicit Grammar(CommandLine& cl) {
        useCliConventions(app);
        app.add_flag("-h,--help", cl.help);
        app.add_flag("--version", version);
        app.require_subcommand(0, 1);

        auto command = [&](CLI::App& parent, const std::string& name) {
            CLI::App* c = parent.add_subcommand(name);
            useCliConventions(*c);
            c->add_flag("-h,--help", cl.help);
            c->add_option("-c,--config", cl.configPath);
            c->add_option("--log-level", cl.logLevel);
            c->add_option("--log-format", cl.logFormat);
            c->add_option("--source", cl.sources);
            c->add_option("--parallel", parallel);
            return c;
        };
        auto streamOptions = [&](CLI::App* c) {
            c->add_option("--stream", cl.streams);
            c->add_option("--wait-lock", waitLock);
        };
        auto syncOptions = [&](CLI::App* c) {
            streamOptions(c);
            c->add_flag("--dry-run", cl.dryRun);
            c->add_option("--metrics-file", cl.metricsFile);
            c->add_option("--pushgateway", cl.pushgateway);
        };
        command(app, "migrate");
        command(app, "status");
        command(app, "check");
        command(app, "plan");
        CLI::App* sync = command(app, "sync");
        syncOptions(sync);
        sync->add_flag("--full-refresh", cl.fullRefresh);
        CLI::App* reconcile = command(app, "reconcile");
        syncOptions(reconcile);
        reconcile->add_flag("--hard-delete", cl.hardDelete);
        state = command(app, "state");
        state->require_subcommand(0, 1);
        command(*state, "show");
        streamOptions(command(*state, "reset"));
        CLI::App* set = command(*state, "set");
        streamOptions(set);
        set->add_option("--modified", cl.modified);
        help = app.add_subcommand("help");
        useCliConventions(*help);
        help->add_option("command", helpTopic);
    }
};

}  // namespace

CommandLine parseCommandLine(int argc, const char* const argv[]) {
    CommandLine cl;
    if (argc < 2) throw ConfigError("no command given; run `intouch-sync --help`");

    Grammar g(cl);
    CLI::App& app = g.app;
    CLI::App* const help = g.help;
    CLI::App* const state = g.state;
    const std::string& helpTopic = g.helpTopic;

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        throw ConfigError(describeParseError(e));
    }

    std::vector<CLI::App*> chosen = app.get_subcommands();
    if (chosen.empty()) {
        if (auto extra = firstLeftover(app)) throw ConfigError("unknown command '" + *extra + kUnknownCommand);
        if (g.version) {
            cl.command = "version";
            return cl;
        }
        cl.command = "help";
        cl.help = true;
        return cl;
    }
    CLI::App* c = chosen.front();
    cl.command = c->get_name();
    if (c == help) {
        if (auto extra = firstLeftover(*help)) throw ConfigError("unexpected '" + *extra + "' after `help " + helpTopic + "`");
        if (!helpTopic.empty() && helpTopic != "help" && !kCommands.count(helpTopic))
            throw ConfigError("unknown command '" + helpTopic + kUnknownCommand);
        cl.help = true;
        cl.helpTopic = helpTopic == "help" ? "" : helpTopic;
        return cl;
    }
    if (c == state) {
        if (!state->get_subcommands().empty()) {
            c = state->get_subcommands().front();
            cl.subcommand = c->get_name();
        } else if (auto extra = firstLeftover(*state); extra && extra->rfind("-", 0) != 0) {
            throw ConfigError("unknown state command '" + *extra + "' (show, reset or set)");
        }
    }
    if (auto extra = firstLeftover(*c)) {
        throw ConfigError("unknown option '" + *extra + "' for `" + cl.command + "` (see `intouch-sync " +
                          cl.command + " --help`)");
    }
    if (!g.waitLock.empty()) cl.waitLockSeconds = waitLockSeconds(g.waitLock);
    if (!g.parallel.empty()) cl.parallel = parallelSources(g.parallel);
    // The words as given: a run over several sources re-runs itself with --source per CRM.
    for (int i = 1; i < argc; ++i) cl.args.emplace_back(argv[i]);
    if (!cl.help) requireArguments(cl);
    return cl;
}

std::string versionText() {
    return std::string("intouch-sync ") + kVersion + "\ngit revision " + kGitRevision + "\n";
}

}  // namespace intouch
