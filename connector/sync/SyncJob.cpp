#include "sync/SyncJob.hpp"

#include <chrono>
#include <memory>
#include <pqxx/pqxx>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/TimeZone.hpp"
#include "sink/PostgresWriter.hpp"
#include "sink/ShadowTables.hpp"
#include "sink/TargetDatabase.hpp"
#include "source/ApiClient.hpp"
#include "source/PageFetcher.hpp"
#include "state/StateStore.hpp"
#include "sync/FullReplaceSync.hpp"
#include "sync/IncrementalSync.hpp"
#include "sync/Reconciler.hpp"
#include "common/SqlIdentifier.hpp"

namespace intouch {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string outcomeOf(const std::exception_ptr& error) {
    try {
        if (error) std::rethrow_exception(error);
    } catch (const InterruptedError&) {
        return "interrupted";
    } catch (const LockedError&) {
        // Not a failure of the stream: another run is syncing it right now.
        return "locked";
    } catch (...) {
        return "failed";
    }
    return "success";
}

std::int64_t retriesOfKind(const FetchStats& stats, const std::string& kind) {
    auto it = stats.retriesByKind.find(kind);
    return it == stats.retriesByKind.end() ? 0 : it->second;
}
}  // namespace

SyncJob::SyncJob(SyncJobSettings settings) : settings_(std::move(settings)) {}

bool SyncJob::reconcileDue(pqxx::connection_base& conn, const StreamSpec& spec,
                           const StreamOutcome& outcome) const {
    const SyncOptions& o = settings_.options;
    if (o.reconcile == "never") return false;
    if (o.reconcile == "always") return true;
    // Sound after any complete run: each live row is a distinct id, so more of them
    // than the CRM lists means some were deleted. A run that stopped at its horizon
    // counts too; it only may miss deletions that newer inserts mask (found later).
    if ((outcome.readToEnd || outcome.stoppedAtHorizon) && outcome.apiTotal &&
        Reconciler::deletionsLikely(conn, settings_.schema, spec, *outcome.apiTotal)) {
        log::info("table holds more live rows than the CRM lists; looking for deletions",
                  {{"stream", spec.name}, {"api_total", std::to_string(*outcome.apiTotal)}});
        return true;
    }
    if (o.reconcileEveryRuns > 0) {
        pqxx::nontransaction tx(conn);
        auto runs = tx.exec_params("SELECT count(*) FROM " + qualified(settings_.schema, "sync_stream_runs") +
                                       " WHERE stream = $1",
                                   spec.name)[0][0]
                        .as<std::int64_t>();
        if (runs % o.reconcileEveryRuns == 0) return true;
    }
    return false;
}

SyncReport SyncJob::run() {
    const auto t0 = std::chrono::steady_clock::now();
    report_ = SyncReport{};
    SyncReport& report = report_;
    auto conn = TargetDatabase::connect(settings_.dsn);
    TargetDatabase::requireMigrated(*conn, settings_.schema);

    std::vector<std::string> names;
    for (const auto& s : settings_.streams) names.push_back(s.name);
    RunHistory history(settings_.schema, !settings_.options.dryRun);
    StateStore state(settings_.schema);
    const std::string command = settings_.reconcileOnly ? "reconcile"
                                : settings_.fullRefresh ? "sync --full-refresh"
                                                        : "sync";
    report.runId = history.startRun(*conn, command, names);

    ApiClient client(settings_.source);
    PageFetcher fetcher(client);
    // Recorded before it leaves like every later failure: a CRM that is down
    // at the start of a run must show in sync_runs too.
    const TimeZone zone = [&] {
        try {
            AboutInfo about = fetcher.about();
            if (about.inMaintenance())
                throw SourceError("the CRM '" + about.name + "' reports maintenance (mode 5) at " +
                                  settings_.source.url +
                                  "/about; not sending requests until it is back");
            std::string zoneName = settings_.source.timeZone;
            if (zoneName.empty()) zoneName = about.timeZone;
            if (zoneName.empty()) zoneName = "Europe/Prague";
            report.timeZone = zoneName;
            log::info("connected to CRM", {{"name", about.name}, {"version", about.versionText()},
                                           {"time_zone", zoneName}});
            return TimeZone::load(zoneName);
        } catch (const std::exception& e) {
            report.outcome = outcomeOf(std::current_exception());
            RunTotals totals;
            totals.requests = client.stats().requests;
            totals.retries = client.stats().retries;
            totals.bytes = client.stats().bytes;
            try {
                history.finishRun(*conn, report.runId, report.outcome, totals, log::redact(e.what()));
            } catch (const std::exception& again) {
                log::error("could not record the run's outcome", {{"error", again.what()}});
            }
            throw;
        }
    }();

    std::exception_ptr failure;
    std::string failureText;
    std::vector<std::string> forbiddenStreams, forbiddenErrors;
    for (const auto& spec : settings_.streams) {
        if (stopRequested()) {
            failure = std::make_exception_ptr(InterruptedError("stopped before stream " + spec.name));
            failureText = "interrupted";
            break;
        }
        const auto ts = std::chrono::steady_clock::now();
        const FetchStats before = client.stats();
        StreamReport sr;
        sr.stream = spec.name;
        history.startStream(*conn, report.runId, spec.name);
        std::exception_ptr streamError;
        std::string streamErrorText;
        bool forbidden = false;
        try {
            auto lock = TargetDatabase::lockStream(*conn, settings_.schema, spec.name,
                                                   settings_.waitLockSeconds);
            RecordMapper mapper(spec, zone);
            PostgresWriter writer(*conn, settings_.schema, spec, report.runId);
            log::info("syncing stream", {{"stream", spec.name}});
            if (settings_.reconcileOnly) {
                if (spec.mode == SyncMode::Incremental) {
                    Reconciler reconciler(fetcher, writer, mapper, spec, settings_.options);
                    sr.outcome = reconciler.run(settings_.options.hardDelete);
                } else {
                    log::info("stream is re-read whole on every sync; nothing to reconcile",
                              {{"stream", spec.name}});
                }
            } else if (spec.mode == SyncMode::Incremental && settings_.fullRefresh) {
                // Read from the start into shadow tables; readers keep the old
                // data until the swap.
                const StreamSpec shadow = ShadowTables::shadowSpec(spec);
                Checkpoint start;
                if (!settings_.options.dryRun) {
                    ShadowTables::prepare(*conn, settings_.schema, spec);
                    pqxx::work tx(*conn);
                    start = state.load(tx, shadow.name);
                    tx.commit();
                }
                PostgresWriter shadowWriter(*conn, settings_.schema, shadow, report.runId);
                IncrementalSync sync(fetcher, shadowWriter, mapper, shadow, settings_.options);
                sr.outcome = sync.run(start);
                // Only a read that reached the end replaces the live tables; a run that
                // stopped at its horizon keeps its shadow tables for the next one to go on.
                if (!sr.outcome.readToEnd)
                    throw InconsistentReadError(
                        "stream " + spec.name + ": the full refresh did not reach the end of the "
                        "list (records changed during the run are left to the next run; " +
                        std::to_string(sr.outcome.totals.seen) + " read so far); the live table "
                        "is unchanged, run --full-refresh again to go on from where it stopped");
                if (!settings_.options.dryRun) ShadowTables::swapIn(*conn, settings_.schema, spec);
            } else if (spec.mode == SyncMode::Incremental) {
                Checkpoint start;
                {
                    pqxx::work tx(*conn);
                    start = state.load(tx, spec.name);
                    tx.commit();
                }
                IncrementalSync sync(fetcher, writer, mapper, spec, settings_.options);
                sr.outcome = sync.run(start);
                if (!settings_.options.dryRun && reconcileDue(*conn, spec, sr.outcome)) {
                    Reconciler reconciler(fetcher, writer, mapper, spec, settings_.options);
                    StreamOutcome rec = reconciler.run(settings_.options.hardDelete);
                    sr.outcome.totals.deleted += rec.totals.deleted;
                    sr.outcome.totals.upserted += rec.totals.upserted;
                    sr.outcome.totals.rejected += rec.totals.rejected;
                    sr.outcome.relocations += rec.relocations;
                }
            } else {
                FullReplaceSync sync(fetcher, writer, mapper, spec, settings_.options);
                sr.outcome = sync.run();
            }
        } catch (const ForbiddenError& e) {
            streamError = std::current_exception();
            streamErrorText = e.what();
            forbidden = true;
        } catch (const Error& e) {
            streamError = std::current_exception();
            streamErrorText = e.what();
        } catch (const pqxx::broken_connection& e) {
            streamError = std::make_exception_ptr(TargetError(std::string("PostgreSQL connection lost: ") + e.what()));
            streamErrorText = e.what();
        } catch (const std::exception& e) {
            streamError = std::current_exception();
            streamErrorText = e.what();
        }
        sr.seconds = since(ts);
        sr.requests = client.stats().requests - before.requests;
        sr.retries = client.stats().retries - before.retries;
        sr.rateLimitedRetries = retriesOfKind(client.stats(), "429") - retriesOfKind(before, "429");
        sr.retryAfterWaitSeconds = client.stats().retryAfterWaitSeconds - before.retryAfterWaitSeconds;
        sr.outcome.totals.requests = sr.requests;
        std::string outcome = outcomeOf(streamError);
        if (!streamError && sr.outcome.totals.rejected > 0) outcome = "partial";
        sr.result = outcome;
        try {
            history.finishStream(*conn, report.runId, spec.name, outcome, sr.outcome.totals,
                                 log::redact(streamErrorText));
        } catch (const std::exception& e) {
            log::error("could not record the stream's outcome", {{"error", e.what()}});
        }
        report.totals.upserted += sr.outcome.totals.upserted;
        report.totals.deleted += sr.outcome.totals.deleted;
        report.totals.rejected += sr.outcome.totals.rejected;
        log::info("stream done", {{"stream", spec.name}, {"outcome", outcome},
                                  {"seen", std::to_string(sr.outcome.totals.seen)},
                                  {"upserted", std::to_string(sr.outcome.totals.upserted)},
                                  {"deleted", std::to_string(sr.outcome.totals.deleted)},
                                  {"rejected", std::to_string(sr.outcome.totals.rejected)},
                                  {"requests", std::to_string(sr.requests)},
                                  {"relocations", std::to_string(sr.outcome.relocations)},
                                  {"seconds", std::to_string(sr.seconds)}});
        report.streams.push_back(std::move(sr));
        if (forbidden) {
            // The user's roles exclude this resource only: a nightly run must still bring the
            // streams it may read up to date, and fail at the end so that someone fixes the roles.
            log::error("the API user may not read this stream; continuing with the others",
                       {{"stream", spec.name}, {"error", streamErrorText}});
            forbiddenStreams.push_back(spec.name);
            forbiddenErrors.push_back("stream " + spec.name + ": " + streamErrorText);
            continue;
        }
        if (streamError) {
            failure = streamError;
            failureText = streamErrorText;
            // Later streams would most likely fail the same way (CRM or database
            // down); stop and report instead of hammering a sick server.
            break;
        }
    }
    if (!failure && !forbiddenStreams.empty()) {
        std::size_t synced = 0;
        for (const auto& sr : report.streams)
            if (sr.result == "success" || sr.result == "partial") ++synced;
        const std::string others =
            std::to_string(synced) + " other stream" + (synced == 1 ? "" : "s") + " synced";
        if (forbiddenStreams.size() == 1) {
            failureText = forbiddenErrors.front() + " (" + others + ")";
        } else {
            std::string names, details;
            for (std::size_t i = 0; i < forbiddenStreams.size(); ++i) {
                names += (i ? ", " : "") + forbiddenStreams[i];
                details += (i ? "; " : "") + forbiddenErrors[i];
            }
            failureText = std::to_string(forbiddenStreams.size()) +
                          " streams the API user may not read (" + names + "; " + others +
                          "): " + details;
        }
        failure = std::make_exception_ptr(ForbiddenError(failureText));
    }
    report.totals.requests = client.stats().requests;
    report.totals.retries = client.stats().retries;
    report.totals.bytes = client.stats().bytes;
    report.seconds = since(t0);
    std::string outcome = outcomeOf(failure);
    if (!failure && report.totals.rejected > 0) outcome = "partial";
    report.outcome = outcome;
    try {
        history.finishRun(*conn, report.runId, outcome, report.totals, log::redact(failureText));
    } catch (const std::exception& e) {
        log::error("could not record the run's outcome", {{"error", e.what()}});
    }
    if (failure) std::rethrow_exception(failure);
    return report;
}

}  // namespace intouch
