#include "sync/SyncJob.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/LogContext.hpp"
#include "common/StopSignal.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/TimeZone.hpp"
#include "sink/RunTarget.hpp"
#include "sink/ShadowTables.hpp"
#include "source/ApiClient.hpp"
#include "source/PageFetcher.hpp"
#include "state/StateStore.hpp"
#include "sync/FullReplaceSync.hpp"
#include "sync/IncrementalSync.hpp"
#include "sync/Reconciler.hpp"
#include "sync/RepeatedHour.hpp"
#include "sync/StreamFailure.hpp"
#include "sync/StreamPlan.hpp"

namespace intouch {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

RunOutcome outcomeOf(const std::exception_ptr& error) {
    // A lock held by another run is not a failure of the stream (`locked`); a 404 before any
    // answer means this CRM does not serve it (`unavailable`).
    return outcomeOfExitCode(exitCodeOfError(error));
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The run's requests, retries and bytes, as tallies of the run.
Totals trafficOf(const FetchStats& stats) {
    Totals t;
    t.requests = stats.requests;
    t.retries = stats.retries;
    t.bytes = stats.bytes;
    return t;
}

std::int64_t retriesOfKind(const FetchStats& stats, const std::string& kind) {
    auto it = stats.retriesByKind.find(kind);
    return it == stats.retriesByKind.end() ? 0 : it->second;
}
}  // namespace

// What every step of one run shares.
struct RunContext {
    RunTarget& target;
    ApiClient& client;
    PageFetcher& fetcher;
    TimeZone zone = TimeZone::utc();
};

SyncJob::SyncJob(SyncJobSettings settings) : settings_(std::move(settings)) {}

std::unique_ptr<RunTarget> SyncJob::openTarget() const {
    const bool recording = !settings_.options.dryRun;
    if (!settings_.sqlitePath.empty()) return openSqliteRunTarget(settings_.sqlitePath, recording);
    return openPostgresRunTarget(settings_.dsn, settings_.schema, recording);
}

bool SyncJob::reconcileDue(RunContext& ctx, StreamTarget& writer, const StreamSpec& spec,
                           const StreamOutcome& outcome) const {
    const SyncOptions& o = settings_.options;
    if (o.reconcile == ReconcileMode::Never) return false;
    if (o.reconcile == ReconcileMode::Always) return true;
    // Sound after any complete run: each live row is a distinct id, so more of them
    // than the CRM lists means some were deleted. A run that stopped at its horizon
    // counts too; it only may miss deletions that newer inserts mask (found later).
    if ((outcome.readToEnd || outcome.stoppedAtHorizon) && outcome.apiTotal &&
        writer.holdsMoreLiveRowsThan(*outcome.apiTotal)) {
        log::info("table holds more live rows than the CRM lists; looking for deletions",
                  {{"stream", spec.name}, {"api_total", std::to_string(*outcome.apiTotal)}});
        return true;
    }
    return o.reconcileEveryRuns > 0 &&
           ctx.target.streamRunCount(spec.name) % o.reconcileEveryRuns == 0;
}

SyncReport SyncJob::run() {
    const auto t0 = std::chrono::steady_clock::now();
    report_ = SyncReport{};
    auto target = openTarget();
    target->requireMigrated();

    std::vector<std::string> names;
    for (const auto& s : settings_.streams) names.push_back(s.name);
    const std::string command = settings_.reconcileOnly ? "reconcile"
                                : settings_.fullRefresh ? "sync --full-refresh"
                                                        : "sync";
    report_.runId = target->startRun(command, names);

    ApiClient client(settings_.source);
    PageFetcher fetcher(client);
    RunContext ctx{*target, client, fetcher};
    openRun(ctx);

    std::size_t workers = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(1, settings_.options.parallelStreams)), settings_.streams.size());
    if (workers > 1 && target->oneWriterAtATime()) {
        log::info("SQLite target: streams are synced one after another",
                  {{"parallel_streams", std::to_string(workers)}});
        workers = 1;
    }
    std::exception_ptr stop = workers > 1 ? syncSideBySide(ctx, workers) : syncInTurn(ctx);
    for (const auto& sr : report_.streams) report_.totals += sr.outcome.totals.written();

    report_.totals += trafficOf(client.stats());
    report_.seconds = since(t0);
    std::string failureText;
    std::exception_ptr failure = summarise(stop, failureText);
    RunOutcome outcome = outcomeOf(failure);
    if (!failure && report_.totals.rejected > 0) outcome = RunOutcome::Partial;
    report_.outcome = outcome;
    target->finishRunOrReport(report_.runId, outcome, report_.totals, log::redact(failureText));
    if (failure) std::rethrow_exception(failure);
    // The data is committed, but sync_runs does not say so: alerts would read it wrong.
    if (!target->writeFailure().empty()) throw TargetError(log::redact(target->writeFailure()));
    if (!workerHistoryFailure_.empty()) throw TargetError(log::redact(workerHistoryFailure_));
    return report_;
}

std::exception_ptr SyncJob::syncInTurn(RunContext& ctx) {
    // Every stream is tried, whatever happened to the ones before it; only an error that
    // means the CRM or the database is gone (or a stop request) ends the run early.
    for (const auto& spec : settings_.streams) {
        if (stopRequested()) return std::make_exception_ptr(InterruptedError("stopped before stream " + spec.name));
        report_.streams.push_back(syncStream(ctx, spec));
        if (endsTheRun(report_.streams.back().failure)) return report_.streams.back().failure;
    }
    return nullptr;
}

std::exception_ptr SyncJob::syncSideBySide(RunContext& ctx, std::size_t workers) {
    const std::vector<StreamSpec>& specs = settings_.streams;
    // Filled by index, so the report keeps the config's order whatever the order of the ends.
    std::vector<std::optional<StreamReport>> reports(specs.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> cancel{false};  // the run ends: the other workers stop at their next request
    std::mutex mutex;                  // guards what follows
    std::exception_ptr stop;
    FetchStats traffic;

    auto endRun = [&](std::exception_ptr error) {
        {
            std::lock_guard lock(mutex);
            // The cause, not its echo: a worker the cancel interrupted may report before the
            // worker whose error (a 401) set it. Only a stop request is itself the cause.
            const bool echo = stop && exitCodeOfError(stop) == ExitCode::Interrupted && !stopRequested();
            if (!stop || (echo && exitCodeOfError(error) != ExitCode::Interrupted)) stop = error;
        }
        cancel = true;
    };
    auto work = [&] {
        try {
            // Each worker its own connection: data, checkpoints, its streams' rows of the run
            // history and their locks; the run's own row stays with the run's target.
            const std::unique_ptr<RunTarget> target = openTarget();
            ApiClient client(settings_.source, ctx.client.throttle());
            client.setLogSummary(false);  // the run's client logs the sum of all
            client.setCancel(&cancel);
            PageFetcher fetcher(client);
            RunContext own{*target, client, fetcher, ctx.zone};
            auto keep = [&] {
                std::lock_guard lock(mutex);
                traffic += client.stats();
                if (!target->writeFailure().empty() && workerHistoryFailure_.empty())
                    workerHistoryFailure_ = target->writeFailure();
            };
            try {
                for (std::size_t i; !cancel && (i = next.fetch_add(1)) < specs.size();) {
                    if (stopRequested()) {
                        endRun(std::make_exception_ptr(InterruptedError("stopped before stream " + specs[i].name)));
                        break;
                    }
                    // Lines of code that does not know the stream (the CRM client's) name it too.
                    log::ThreadContext tag("stream", specs[i].name);
                    StreamReport sr = syncStream(own, specs[i]);
                    if (endsTheRun(sr.failure)) endRun(sr.failure);
                    reports[i] = std::move(sr);
                }
            } catch (...) {
                keep();
                throw;
            }
            keep();
        } catch (const pqxx::broken_connection& e) {
            endRun(std::make_exception_ptr(TargetError(std::string("PostgreSQL connection lost: ") + e.what())));
        } catch (...) {
            endRun(std::current_exception());
        }
    };
    log::info("syncing streams side by side",
              {{"parallel_streams", std::to_string(workers)}, {"streams", std::to_string(specs.size())}});
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(work);
    for (auto& t : threads) t.join();

    for (auto& r : reports)
        if (r) report_.streams.push_back(std::move(*r));
    ctx.client.addStats(traffic);
    return stop;
}

void SyncJob::openRun(RunContext& ctx) {
    // Recorded before it leaves like every later failure: a CRM that is down
    // at the start of a run must show in sync_runs too.
    try {
        AboutInfo about = ctx.fetcher.about();
        if (about.inMaintenance())
            throw SourceUnavailableError("the CRM '" + about.name + "' reports maintenance (mode 5) at " +
                                         settings_.source.url +
                                         "/about; not sending requests until it is back");
        std::string zoneName = settings_.source.timeZone;
        if (zoneName.empty()) zoneName = about.timeZone;
        if (zoneName.empty()) zoneName = "Europe/Prague";
        report_.timeZone = zoneName;
        report_.crmVersion = about.version;
        log::info("connected to CRM", {{"name", about.name}, {"version", about.versionText()},
                                       {"time_zone", zoneName}});
        ctx.zone = TimeZone::load(zoneName);
    } catch (const std::exception& e) {
        report_.outcome = outcomeOf(std::current_exception());
        ctx.target.finishRunOrReport(report_.runId, report_.outcome, trafficOf(ctx.client.stats()),
                                      log::redact(e.what()));
        throw;
    }
}

StreamOutcome SyncJob::readStream(RunContext& ctx, const StreamSpec& spec) {
    RecordMapper mapper(spec, ctx.zone);
    const std::unique_ptr<StreamTarget> target = ctx.target.openWriter(spec, report_.runId);
    StreamTarget& writer = *target;
    StreamOutcome outcome;
    if (settings_.reconcileOnly) {
        if (spec.mode == SyncMode::Incremental) {
            Reconciler reconciler({ctx.fetcher, writer, mapper, spec, settings_.options});
            outcome = reconciler.run(settings_.options.hardDelete);
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
            ctx.target.prepareShadow(spec);
            start = ctx.target.loadCheckpoint(shadow.name);
        }
        const std::unique_ptr<StreamTarget> shadowWriter = ctx.target.openWriter(shadow, report_.runId);
        IncrementalSync sync({ctx.fetcher, *shadowWriter, mapper, shadow, settings_.options});
        outcome = sync.run(start);
        // Only a read that reached the end replaces the live tables; a run that
        // stopped at its horizon keeps its shadow tables for the next one to go on.
        if (!outcome.readToEnd)
            throw InconsistentReadError(
                "stream " + spec.name + ": the full refresh did not reach the end of the "
                "list (records changed during the run are left to the next run; " +
                std::to_string(outcome.totals.seen) + " read so far); the live table "
                "is unchanged, run --full-refresh again to go on from where it stopped");
        if (!settings_.options.dryRun) ctx.target.swapInShadow(spec);
    } else if (spec.mode == SyncMode::Incremental) {
        Checkpoint start = ctx.target.loadCheckpoint(spec.name);
        start = rewindOverRepeatedHourLogged(start, ctx.zone, settings_.options.settleSeconds, spec.name);
        IncrementalSync sync({ctx.fetcher, writer, mapper, spec, settings_.options});
        outcome = sync.run(start);
        if (!settings_.options.dryRun) writer.finishStream();
        if (!settings_.options.dryRun && reconcileDue(ctx, writer, spec, outcome)) {
            Reconciler reconciler({ctx.fetcher, writer, mapper, spec, settings_.options});
            StreamOutcome rec = reconciler.run(settings_.options.hardDelete);
            outcome.totals += rec.totals.written();  // its records were counted as seen already
            outcome.relocations += rec.relocations;
        }
    } else {
        FullReplaceSync sync({ctx.fetcher, writer, mapper, spec, settings_.options});
        outcome = sync.run();
    }
    return outcome;
}

StreamOutcome SyncJob::readFirstServed(RunContext& ctx, const StreamSpec& spec,
                                       const StreamPlan& plan, std::string& endpoint) {
    const CrmVersion& version = report_.crmVersion;
    std::vector<std::string> notFound;
    for (std::size_t i = 0; i < plan.candidates.size(); ++i) {
        const StreamSpec& candidate = plan.candidates[i];
        const std::int64_t answeredBefore = ctx.client.stats().answered;
        try {
            if (!spec.endpoints.empty())
                log::info("reading stream from endpoint",
                          {{"stream", spec.name}, {"endpoint", candidate.endpoint},
                           {"crm_version", crmVersionText(version)},
                           {"why", choiceReason(spec, plan, i)}});
            log::info("syncing stream", {{"stream", spec.name}});
            StreamOutcome outcome = readStream(ctx, candidate);
            endpoint = candidate.endpoint;
            return outcome;
        } catch (const NotFoundError& e) {
            // After an answer the endpoint exists: a 404 then is an error of the stream.
            if (ctx.client.stats().answered != answeredBefore) throw;
            notFound.push_back(e.what());
            if (i + 1 == plan.candidates.size()) break;
            log::warn("this CRM does not serve the endpoint; trying the next name",
                      {{"stream", spec.name}, {"endpoint", candidate.endpoint},
                       {"next", plan.candidates[i + 1].endpoint}});
        }
    }
    std::string what = "this CRM (version " + crmVersionText(version) + ") does not serve it: ";
    for (std::size_t k = 0; k < notFound.size(); ++k) what += (k ? "; " : "") + notFound[k];
    throw StreamUnavailableError(what + " -- " + notServedAdvice(spec, version));
}

StreamReport SyncJob::syncStream(RunContext& ctx, const StreamSpec& spec) {
    const auto ts = std::chrono::steady_clock::now();
    const FetchStats before = ctx.client.stats();
    StreamReport sr;
    sr.stream = spec.name;
    ctx.target.startStream(report_.runId, spec.name);
    const StreamPlan plan = planStream(spec, report_.crmVersion);
    if (!plan.served) {
        // A known difference between versions, declared in the mapping: not a failure.
        sr.result = RunOutcome::Skipped;
        sr.error = plan.skipReason;
        log::warn("stream skipped: this CRM version does not serve it",
                  {{"stream", spec.name}, {"reason", plan.skipReason}});
        ctx.target.finishStreamOrReport(report_.runId, spec.name, sr.result,
                                         sr.outcome.totals, sr.error);
        return sr;
    }
    try {
        auto lock = ctx.target.lockStream(spec.name, settings_.waitLockSeconds);
        sr.outcome = readFirstServed(ctx, spec, plan, sr.endpoint);
    } catch (const pqxx::broken_connection& e) {
        sr.failure = std::make_exception_ptr(
            TargetError(std::string("PostgreSQL connection lost: ") + e.what()));
        sr.error = e.what();
    } catch (const std::exception& e) {
        sr.failure = std::current_exception();
        sr.error = e.what();
    }
    sr.seconds = since(ts);
    const FetchStats& now = ctx.client.stats();
    sr.outcome.totals.requests = now.requests - before.requests;
    sr.retries = now.retries - before.retries;
    sr.rateLimitedRetries = retriesOfKind(now, "429") - retriesOfKind(before, "429");
    sr.retryAfterWaitSeconds = now.retryAfterWaitSeconds - before.retryAfterWaitSeconds;
    sr.result = outcomeOf(sr.failure);
    if (!sr.failure && sr.outcome.totals.rejected > 0) sr.result = RunOutcome::Partial;
    ctx.target.finishStreamOrReport(report_.runId, spec.name, sr.result,
                                     sr.outcome.totals, log::redact(sr.error));
    log::info("stream done", {{"stream", spec.name}, {"outcome", outcomeText(sr.result)},
                              {"seen", std::to_string(sr.outcome.totals.seen)},
                              {"upserted", std::to_string(sr.outcome.totals.upserted)},
                              {"deleted", std::to_string(sr.outcome.totals.deleted)},
                              {"rejected", std::to_string(sr.outcome.totals.rejected)},
                              {"requests", std::to_string(sr.outcome.totals.requests)},
                              {"relocations", std::to_string(sr.outcome.relocations)},
                              {"seconds", std::to_string(sr.seconds)}});
    if (sr.failure && !endsTheRun(sr.failure))
        log::error("stream failed; continuing with the others",
                   {{"stream", spec.name}, {"outcome", outcomeText(sr.result)}, {"error", sr.error}});
    return sr;
}

std::exception_ptr SyncJob::summarise(std::exception_ptr stop, std::string& failureText) const {
    if (stop) {
        // It ended the run; the streams that failed before it are in sync_stream_runs.
        try {
            std::rethrow_exception(stop);
        } catch (const std::exception& e) {
            failureText = e.what();
        } catch (...) {
            failureText = "unknown error";
        }
        return stop;
    }
    std::vector<const StreamReport*> failed;
    std::size_t synced = 0, skipped = 0;
    ExitCode worst = ExitCode::Success;
    for (const auto& sr : report_.streams) {
        if (sr.result == RunOutcome::Success || sr.result == RunOutcome::Partial) ++synced;
        if (sr.result == RunOutcome::Skipped) ++skipped;
        if (!sr.failure) continue;
        failed.push_back(&sr);
        const ExitCode code = exitCodeOfError(sr.failure);
        if (severity(code) > severity(worst)) worst = code;
    }
    if (failed.empty()) return nullptr;
    std::string others = plural(synced, "other stream") + " synced";
    if (skipped) others += ", " + std::to_string(skipped) + " skipped";
    if (failed.size() == 1) {
        failureText = "stream " + failed.front()->stream + ": " + failed.front()->error + " (" +
                      others + ")";
    } else {
        // One kind of failure gets its own words; a mix is "streams failed".
        std::string kind = "streams failed";
        const RunOutcome first = failed.front()->result;
        bool oneKind = true;
        for (const auto* sr : failed)
            if (sr->result != first || exitCodeOfError(sr->failure) != worst) oneKind = false;
        if (oneKind && worst == ExitCode::AuthError) kind = "streams the API user may not read";
        if (oneKind && worst == ExitCode::StreamsUnavailable) kind = "streams this CRM does not serve";
        if (oneKind && worst == ExitCode::Locked) kind = "streams locked by another run";
        std::string names, details;
        for (std::size_t i = 0; i < failed.size(); ++i) {
            names += (i ? ", " : "") + failed[i]->stream;
            details += (i ? "; " : "") + std::string("stream ") + failed[i]->stream + ": " +
                       failed[i]->error;
        }
        failureText = std::to_string(failed.size()) + " " + kind + " (" + names + "; " + others +
                      "): " + details;
    }
    return std::make_exception_ptr(StreamsFailedError(worst, failureText));
}

}  // namespace intouch
