#include "cli/Commands.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "cli/Config.hpp"
#include "cli/RunMetrics.hpp"
#include "sync/StreamFailure.hpp"
#include "cli/SchemaCommands.hpp"
#include "cli/SqliteCommands.hpp"
#include "cli/SourceFanOut.hpp"
#include "cli/StateCommands.hpp"
#include "cli/StatusCommand.hpp"
#include "common/Log.hpp"
#include "common/LogContext.hpp"
#include "common/SqlIdentifier.hpp"
#include "mapping/CodeListSource.hpp"
#include "mapping/MappingLoader.hpp"
#include "sink/MigrationRunner.hpp"
#include "sink/TargetDatabase.hpp"
#include "sink/WarehouseObjects.hpp"
#include "source/ApiClient.hpp"
#include "source/PageFetcher.hpp"
#include "state/RunHistory.hpp"
#include "state/StateStore.hpp"
#include "sync/StreamPlan.hpp"
#include "sync/SyncJob.hpp"

namespace intouch {

namespace {

struct Loaded {
    Config config;
    std::vector<StreamSpec> streams;       // selected
    std::optional<CodeListSource> lists;   // where decoded columns find their labels
};

void applyLogSettings(const CommandLine& cl, const Config& config) {
    log::setLevel(log::parseLevel(cl.logLevel.value_or(config.logLevel)));
    std::string format = cl.logFormat.value_or(config.logFormat);
    if (format == "json")
        log::setFormat(log::Format::Json);
    else if (format != "text")
        throw ConfigError("log format must be text or json, not '" + format + "'");
}

Loaded load(const CommandLine& cl) {
    Loaded l;
    l.config = loadConfig(cl.configPath, cl.sources.empty() ? "" : cl.sources.front());
    if (!l.config.sourceName.empty()) log::addContext("source", l.config.sourceName);
    log::addSecret(l.config.source.password);
    applyLogSettings(cl, l.config);

    // Every mapping is validated before anything is written, even the streams
    // not selected this time: a broken file should fail the next run early.
    std::vector<StreamSpec> all = loadMappingDirectory(l.config.mappingsDir);
    for (auto& s : all) {
        s.piiKey = l.config.piiKey;
        if (s.hashesPersonalData() && s.piiKey.empty())
            throw ConfigError(s.file + ": stream " + s.name +
                              " hashes personal data (pii: hash or extra_hash), but " +
                              l.config.path +
                              " sets no key: add pii: {key: ${INTOUCH_PII_KEY}} and set "
                              "INTOUCH_PII_KEY to a long random secret (changing it later "
                              "changes every stored hash)");
    }
    l.lists = findCodeListSource(all);
    std::vector<std::string> wanted = cl.streams.empty() ? l.config.streams : cl.streams;
    if (wanted.empty()) {
        l.streams = all;
    } else {
        std::map<std::string, const StreamSpec*> byName;
        for (const auto& s : all) byName[s.name] = &s;
        for (const auto& name : wanted) {
            auto it = byName.find(name);
            if (it == byName.end()) {
                std::string known;
                for (const auto& s : all) known += (known.empty() ? "" : ", ") + s.name;
                throw ConfigError("unknown stream '" + name + "' (mappings in " +
                                  l.config.mappingsDir + " define: " + known + ")");
            }
            l.streams.push_back(*it->second);
        }
    }
    return l;
}

// --source NAME... of a multi-source config (default: all of them, in the config's order).
std::vector<std::string> selectedSources(const Config& config, const std::vector<std::string>& wanted) {
    if (wanted.empty()) return config.sourceNames;
    std::string known;
    for (const auto& n : config.sourceNames) known += (known.empty() ? "" : ", ") + n;
    for (const auto& name : wanted)
        if (std::find(config.sourceNames.begin(), config.sourceNames.end(), name) ==
            config.sourceNames.end())
            throw ConfigError("unknown source '" + name + "' (" + config.path + " lists: " + known + ")");
    return wanted;
}

void requireNoPendingMigrations(pqxx::connection_base& conn, const Config& c) {
    MigrationRunner runner(c.migrationsDir, c.target.schema);
    auto status = runner.inspect(conn);
    if (!status.pending.empty())
        throw ConfigError(std::to_string(status.pending.size()) +
                          " migration(s) not applied to schema '" + c.target.schema +
                          "' (first: " + status.pending.front() +
                          "); run `intouch-sync migrate --config " + c.path + "`");
}

ExitCode cmdMigrate(const Loaded& l) {
    if (l.config.target.isSqlite()) return runSqliteMigrate(l.config, l.streams);
    auto conn = TargetDatabase::connect(l.config.target.dsn);
    MigrationRunner runner(l.config.migrationsDir, l.config.target.schema);
    auto status = runner.apply(*conn);
    std::printf("migrate: schema %s: %zu applied, %zu already applied\n",
                l.config.target.schema.c_str(), status.applied.size(),
                status.alreadyApplied.size());
    for (const auto& v : status.applied) std::printf("  applied %s\n", v.c_str());
    const WarehouseUpdate update =
        updateWarehouseObjects(*conn, l.config.target.schema, l.streams, l.lists);
    std::printf("migrate: %zu comment(s) set, %zu view(s) created or replaced\n", update.comments,
                update.views.size());
    for (const auto& v : update.views) std::printf("  view %s\n", v.c_str());
    for (const auto& s : update.skipped)
        std::printf("  comments and views NOT updated for %s\n", s.c_str());
    return ExitCode::Success;
}

// The table of the streams the run reached, then one line for each stream that was not
// synced (and why) or was read from another of its endpoint names.
void printSyncSummary(const SyncReport& report, bool dryRun) {
    std::printf("%-14s %10s %10s %9s %9s %9s %9s  %s\n", "stream", "seen", "upserted", "deleted",
                "rejected", "requests", "seconds", "outcome");
    for (const auto& sr : report.streams) {
        const auto& t = sr.outcome.totals;
        std::printf("%-14s %10lld %10lld %9lld %9lld %9lld %9.2f  %s\n", sr.stream.c_str(),
                    static_cast<long long>(t.seen), static_cast<long long>(t.upserted),
                    static_cast<long long>(t.deleted), static_cast<long long>(t.rejected),
                    static_cast<long long>(sr.outcome.totals.requests), sr.seconds, outcomeText(sr.result));
    }
    for (const auto& sr : report.streams) {
        if (!sr.error.empty())
            std::printf("%s: %s: %s\n", sr.stream.c_str(), outcomeText(sr.result),
                        log::redact(sr.error).c_str());
        else if (!sr.endpoint.empty() && sr.endpoint != sr.stream)
            std::printf("%s: read from endpoint %s\n", sr.stream.c_str(), sr.endpoint.c_str());
    }
    std::printf(
        "run %lld%s: %lld upserted, %lld deleted, %lld rejected, %lld requests (%lld retries), "
        "%.2f s\n",
        static_cast<long long>(report.runId), dryRun ? " (dry run: nothing written)" : "",
        static_cast<long long>(report.totals.upserted),
        static_cast<long long>(report.totals.deleted),
        static_cast<long long>(report.totals.rejected),
        static_cast<long long>(report.totals.requests),
        static_cast<long long>(report.totals.retries), report.seconds);
}

ExitCode cmdSync(const CommandLine& cl, const Loaded& l, bool reconcileOnly) {
    if (!l.config.target.isSqlite()) {
        auto conn = TargetDatabase::connect(l.config.target.dsn);
        requireNoPendingMigrations(*conn, l.config);
    }
    SyncJobSettings s;
    s.dsn = l.config.target.dsn;
    s.schema = l.config.target.schema;
    s.sqlitePath = l.config.target.sqlite;
    s.source = l.config.source;
    s.options = l.config.sync;
    s.options.dryRun = cl.dryRun;
    s.streams = l.streams;
    s.fullRefresh = cl.fullRefresh;
    s.reconcileOnly = reconcileOnly;
    if (cl.hardDelete) s.options.hardDelete = true;
    // Overlap checks need two records per page (the config refuses 1; this guards other callers).
    s.options.pageSize = std::max(2, s.options.pageSize);
    s.waitLockSeconds = cl.waitLockSeconds;
    SyncJob job(s);
    // A dry run writes nothing, metrics included: monitoring must not mistake it for a sync.
    MetricsTarget metrics;
    if (!cl.dryRun) {
        metrics.file = metricsFileForSource(cl.metricsFile.value_or(l.config.metrics.file),
                                            l.config.sourceName);
        metrics.pushgateway = cl.pushgateway.value_or(l.config.metrics.pushgateway);
    }
    const std::string command = reconcileOnly ? "reconcile" : "sync";
    SyncReport report;
    std::exception_ptr failure;
    try {
        report = job.run();
    } catch (...) {
        failure = std::current_exception();
        report = job.lastReport();
    }
    if (!report.streams.empty()) printSyncSummary(report, cl.dryRun);
    if (failure) {
        publishRunMetrics(metrics, l.config, command, l.streams, report, exitCodeOfError(failure));
        std::rethrow_exception(failure);
    }
    const ExitCode code =
        report.totals.rejected > 0 ? ExitCode::CompletedWithRejects : ExitCode::Success;
    if (report.totals.rejected > 0 && l.config.target.isSqlite())
        std::printf("some records were rejected: sqlite3 %s 'SELECT * FROM sync_rejects'\n",
                    l.config.target.sqlite.c_str());
    else if (report.totals.rejected > 0)
        std::printf("some records were rejected: SELECT * FROM %s.sync_rejects;\n",
                    quoteIdent(l.config.target.schema).c_str());
    publishRunMetrics(metrics, l.config, command, l.streams, report, code);
    return code;
}

// Who may not read what, and what this CRM does not serve (by the mappings' versions or 404).
struct StreamAccess {
    std::vector<std::string> forbidden, missing, skipped;
};

// One small request for the stream, in the shape a sync reads it (each endpoint name in
// turn while the CRM answers 404); prints what it found.
void probeStream(PageFetcher& fetcher, const Config& config, const AboutInfo& about,
                 const StreamSpec& spec, StreamAccess& access) {
    const StreamPlan plan = planStream(spec, about.version);
    if (!plan.served) {
        std::printf("crm: stream %s not served by this CRM version, skipped by sync: %s\n",
                    spec.name.c_str(), plan.skipReason.c_str());
        access.skipped.push_back(spec.name);
        return;
    }
    std::vector<std::string> notFound;
    for (std::size_t i = 0; i < plan.candidates.size(); ++i) {
        const StreamSpec& candidate = plan.candidates[i];
        const std::string via =
            spec.endpoints.empty()
                ? std::string()
                : " via /" + candidate.endpoint + " (" + choiceReason(spec, plan, i) + ")";
        try {
            PageRequest probe;
            probe.endpoint = candidate.endpoint;
            probe.size = candidate.paging == Paging::Paged ? 1 : config.sync.pageSize;
            probe.params = candidate.params;
            probe.acceptPlainArray = candidate.paging != Paging::Paged;
            probe.sendPaging = candidate.paging != Paging::PlainArray;
            Page page = fetcher.page(probe);
            const std::string count = page.total ? std::to_string(*page.total) : "?";
            std::printf("crm: stream %s readable%s (%s records)\n", spec.name.c_str(),
                        via.c_str(), count.c_str());
            break;
        } catch (const NotFoundError& e) {
            notFound.push_back(e.what());
            if (i + 1 < plan.candidates.size()) continue;
            std::string what;
            for (std::size_t k = 0; k < notFound.size(); ++k)
                what += (k ? "; " : "") + notFound[k];
            std::printf("crm: stream %s NOT served by this CRM (version %s): %s -- %s\n",
                        spec.name.c_str(), about.versionText().c_str(), what.c_str(),
                        notServedAdvice(spec, about.version).c_str());
            access.missing.push_back(spec.name);
        } catch (const ForbiddenError& e) {
            std::printf(
                "crm: stream %s NOT readable by API user '%s': check the user's roles "
                "in the CRM\n",
                spec.name.c_str(), config.source.username.c_str());
            log::error("stream not readable", {{"stream", spec.name}, {"error", e.what()}});
            access.forbidden.push_back(spec.name);
            break;
        }
    }
}

ExitCode cmdCheck(const Loaded& l) {
    std::printf("config %s: ok\n", l.config.path.c_str());
    std::printf("mappings %s: %zu stream(s) ok\n", l.config.mappingsDir.c_str(), l.streams.size());
    std::unique_ptr<pqxx::connection> conn;
    MigrationStatus status;
    std::size_t sqliteDrift = 0;
    if (l.config.target.isSqlite()) {
        sqliteDrift = printSqliteCheck(l.config, l.streams);
    } else {
        conn = TargetDatabase::connect(l.config.target.dsn);
        MigrationRunner runner(l.config.migrationsDir, l.config.target.schema);
        status = runner.inspect(*conn);
        std::printf("postgresql: reachable; schema %s: %zu migration(s) applied, %zu pending\n",
                    l.config.target.schema.c_str(), status.alreadyApplied.size(),
                    status.pending.size());
    }
    ApiClient client(l.config.source);
    PageFetcher fetcher(client);
    AboutInfo about = fetcher.about();
    std::printf("crm: %s (version %s, time zone %s)%s\n", about.name.c_str(),
                about.versionText().c_str(), about.timeZone.c_str(),
                about.inMaintenance() ? " IN MAINTENANCE" : "");
    // /api/about needs no login: only a list request proves the credentials, and
    // one per stream proves the user's roles cover it (403 otherwise) and that this CRM
    // serves it (404 otherwise; the next of its endpoint names is tried then).
    StreamAccess access;
    if (!about.inMaintenance())
        for (const auto& spec : l.streams) probeStream(fetcher, l.config, about, spec, access);
    const auto& [forbidden, missing, skipped] = access;
    auto join = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
    };
    std::vector<std::string> notServed = skipped;
    notServed.insert(notServed.end(), missing.begin(), missing.end());
    if (!notServed.empty())
        std::printf("crm: streams this CRM (version %s) does not serve: %s\n",
                    about.versionText().c_str(), join(notServed).c_str());
    if (!forbidden.empty())
        throw ForbiddenError("API user '" + l.config.source.username + "' may not read " +
                             std::to_string(forbidden.size()) + " stream(s): " + join(forbidden));
    if (!missing.empty())
        throw StreamUnavailableError("this CRM (version " + about.versionText() +
                                     ") does not serve " + std::to_string(missing.size()) +
                                     " stream(s): " + join(missing) +
                                     " -- remove them from `streams` in the config, or declare "
                                     "the versions that serve them (since:/until:) in their "
                                     "mapping files");
    if (l.config.target.isSqlite()) return sqliteDrift > 0 ? ExitCode::ConfigError : ExitCode::Success;
    if (!status.pending.empty()) {
        std::printf("run `intouch-sync migrate --config %s` to apply the pending migrations\n",
                    l.config.path.c_str());
        return ExitCode::ConfigError;
    }
    if (printSchemaDrift(*conn, l.config.target.schema, l.streams, l.lists) > 0)
        return ExitCode::ConfigError;
    return ExitCode::Success;
}

ExitCode cmdPlan(const Loaded& l) {
    if (l.config.target.isSqlite()) return runSqlitePlan(l.config, l.streams);
    auto conn = TargetDatabase::connect(l.config.target.dsn);
    printSchemaPlan(*conn, l.config.target.schema, l.streams, l.lists);
    return ExitCode::Success;
}

}  // namespace

ExitCode runCommand(const CommandLine& cl) {
    if (cl.command == "help") {
        std::fputs((cl.helpTopic.empty() ? usageText() : commandHelp(cl.helpTopic)).c_str(), stdout);
        return ExitCode::Success;
    }
    if (cl.command == "version") {
        std::fputs(versionText().c_str(), stdout);
        return ExitCode::Success;
    }
    if (cl.help) {
        std::fputs(commandHelp(cl.command).c_str(), stdout);
        return ExitCode::Success;
    }
    if (cl.sources.size() != 1) {
        // Several CRMs in one config: the command runs once per source (SourceFanOut.hpp).
        const Config config = loadConfig(cl.configPath);
        if (!config.sourceNames.empty()) {
            applyLogSettings(cl, config);
            return runForEachSource(cl, selectedSources(config, cl.sources));
        }
        if (!cl.sources.empty())
            throw ConfigError("--source needs a config that lists its CRMs under sources: (" +
                              cl.configPath + " has one source:)");
    }
    Loaded l = load(cl);
    if (cl.command == "migrate") return cmdMigrate(l);
    if (cl.command == "sync") return cmdSync(cl, l, false);
    if (cl.command == "reconcile") return cmdSync(cl, l, true);
    if (cl.command == "status")
        return l.config.target.isSqlite() ? runSqliteStatus(l.config, l.streams) : runStatus(l.config, l.streams);
    if (cl.command == "state")
        return l.config.target.isSqlite() ? runSqliteState(cl, l.config, l.streams)
                                          : runState(cl, l.config, l.streams);
    if (cl.command == "check") return cmdCheck(l);
    if (cl.command == "plan") return cmdPlan(l);
    throw ConfigError("unknown command '" + cl.command + "'");
}

int runCli(int argc, const char* const argv[]) {
    try {
        CommandLine cl = parseCommandLine(argc, argv);
        return static_cast<int>(runCommand(cl));
    } catch (const Error& e) {
        std::fprintf(stderr, "intouch-sync: %s\n", log::redact(e.what()).c_str());
        return static_cast<int>(e.exitCode());
    } catch (const pqxx::broken_connection& e) {
        std::fprintf(stderr, "intouch-sync: PostgreSQL connection failed: %s\n",
                     log::redact(e.what()).c_str());
        return static_cast<int>(ExitCode::TargetUnavailable);
    } catch (const pqxx::sql_error& e) {
        std::fprintf(stderr, "intouch-sync: PostgreSQL error: %s\n", log::redact(e.what()).c_str());
        return static_cast<int>(ExitCode::TargetUnavailable);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "intouch-sync: internal error: %s\n", log::redact(e.what()).c_str());
        return static_cast<int>(ExitCode::Internal);
    }
}

}  // namespace intouch
