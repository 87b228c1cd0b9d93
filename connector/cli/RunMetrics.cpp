#include "cli/RunMetrics.hpp"

#include <filesystem>
#include <map>
#include <pqxx/pqxx>

#include "cli/MetricsFile.hpp"
#include "cli/StreamHealth.hpp"
#include "common/Log.hpp"
#include "common/SecretForms.hpp"
#include "sink/TargetDatabase.hpp"
#include "sync/StreamFailure.hpp"

namespace intouch {

namespace {


double seconds(std::int64_t micros) {
    return static_cast<double>(micros) / 1e6;
}

// Lag and last success/failure from the tables; empty when the database is
// unreachable (the run figures are still worth publishing then).
std::vector<StreamHealth> healthOf(const Config& config, const std::vector<StreamSpec>& streams) {
    try {
        auto conn = TargetDatabase::connect(config.target.dsn);
        pqxx::work tx(*conn);
        return readStreamHealth(tx, config.target.schema, streams, nowUtcMicros());
    } catch (const std::exception& e) {
        log::warn("metrics: cannot read lag and last success from PostgreSQL",
                  {{"error", log::redact(e.what())}});
        return {};
    }
}

}  // namespace

std::string renderRunMetrics(const Config& config, const std::string& command,
                             const std::vector<StreamSpec>& streams, const SyncReport& report,
                             ExitCode exitCode) {
    // One CRM of a multi-source config: its samples say which (`source`), before the rest.
    const MetricLabels base = config.sourceName.empty()
                                  ? MetricLabels{{"schema", config.target.schema}}
                                  : MetricLabels{{"source", config.sourceName},
                                                 {"schema", config.target.schema}};
    auto labels = [&](MetricLabels more) {
        MetricLabels l = base;
        l.insert(l.end(), more.begin(), more.end());
        return l;
    };
    const MetricLabels run = labels({{"command", command}});
    PrometheusText p;
    const RunOutcome outcome = outcomeOfExitCode(exitCode);

    p.family("intouch_sync_run_outcome", "gauge",
             "Outcome of the last run: 1 for the outcome it had, 0 for the others.");
    // Every outcome gets a sample (1 for the actual one): alerts can then say
    // `intouch_sync_run_outcome{outcome="failed"} == 1` without knowing the others.
    for (RunOutcome o : kRunOutcomes) {
        MetricLabels l = run;
        l.emplace_back("outcome", outcomeText(o));
        p.sample(l, outcome == o ? 1 : 0);
    }
    p.family("intouch_sync_run_exit_code", "gauge", "Exit code of the last run (see --help).");
    p.sample(run, static_cast<int>(exitCode));
    p.family("intouch_sync_run_finished_timestamp_seconds", "gauge",
             "When the last run ended (Unix time).");
    p.sample(run, seconds(nowUtcMicros()));
    p.family("intouch_sync_run_duration_seconds", "gauge", "Wall-clock duration of the last run.");
    p.sample(run, report.seconds);
    p.family("intouch_sync_run_requests", "gauge",
             "HTTP requests the last run sent to the CRM, retries included.");
    p.sample(run, static_cast<double>(report.totals.requests));
    p.family("intouch_sync_run_retries", "gauge", "Requests of the last run that were retried.");
    p.sample(run, static_cast<double>(report.totals.retries));
    p.family("intouch_sync_run_bytes", "gauge", "Body bytes the last run received from the CRM.");
    p.sample(run, static_cast<double>(report.totals.bytes));

    // Run figures of the streams this run reached.
    struct Figure {
        const char* name;
        const char* help;
        double (*value)(const StreamReport&);
    };
    static const Figure figures[] = {
        {"intouch_sync_stream_records_seen", "Records read from the CRM by the last run.",
         [](const StreamReport& s) { return static_cast<double>(s.outcome.totals.seen); }},
        {"intouch_sync_stream_records_upserted", "Records inserted or changed by the last run.",
         [](const StreamReport& s) { return static_cast<double>(s.outcome.totals.upserted); }},
        {"intouch_sync_stream_records_deleted", "Records marked deleted by the last run.",
         [](const StreamReport& s) { return static_cast<double>(s.outcome.totals.deleted); }},
        {"intouch_sync_stream_records_rejected",
         "Records the last run could not map (see table sync_rejects).",
         [](const StreamReport& s) { return static_cast<double>(s.outcome.totals.rejected); }},
        {"intouch_sync_stream_requests", "HTTP requests of the last run, retries included.",
         [](const StreamReport& s) { return static_cast<double>(s.outcome.totals.requests); }},
        {"intouch_sync_stream_retries", "Requests of the last run that were retried.",
         [](const StreamReport& s) { return static_cast<double>(s.retries); }},
        {"intouch_sync_stream_rate_limited_retries",
         "Requests of the last run answered 429 Too Many Requests and retried.",
         [](const StreamReport& s) { return static_cast<double>(s.rateLimitedRetries); }},
        {"intouch_sync_stream_retry_after_wait_seconds",
         "Time the last run waited because the CRM asked to (429/503 Retry-After).",
         [](const StreamReport& s) { return s.retryAfterWaitSeconds; }},
        {"intouch_sync_stream_duration_seconds",
         "Wall-clock duration of the stream in the last run.",
         [](const StreamReport& s) { return s.seconds; }},
    };
    for (const Figure& f : figures) {
        if (report.streams.empty()) break;
        p.family(f.name, "gauge", f.help);
        for (const StreamReport& s : report.streams)
            p.sample(labels({{"stream", s.stream}}), f.value(s));
    }
    if (!report.streams.empty()) {
        p.family(
            "intouch_sync_stream_outcome", "gauge",
            "Outcome of the stream in the last run: 1 for the outcome it had, 0 for the others.");
        for (const StreamReport& s : report.streams)
            for (RunOutcome o : kRunOutcomes)
                p.sample(labels({{"stream", s.stream}, {"outcome", outcomeText(o)}}),
                         s.result == o ? 1 : 0);
    }

    // From the run history: true whichever run wrote the file last.
    const std::vector<StreamHealth> health = healthOf(config, streams);
    auto emit = [&](const char* name, const char* help, auto value) {
        bool any = false;
        for (const StreamHealth& h : health) {
            std::optional<double> v = value(h);
            if (!v) continue;
            if (!any) p.family(name, "gauge", help);
            any = true;
            p.sample(labels({{"stream", h.stream}}), *v);
        }
    };
    emit("intouch_sync_stream_last_success_timestamp_seconds",
         "When the stream last synced successfully (Unix time; partial counts as success).",
         [](const StreamHealth& h) -> std::optional<double> {
             if (!h.lastSuccessMicros) return std::nullopt;
             return seconds(*h.lastSuccessMicros);
         });
    emit("intouch_sync_stream_last_failure_timestamp_seconds",
         "When a run of the stream last failed or was interrupted (Unix time).",
         [](const StreamHealth& h) -> std::optional<double> {
             if (!h.lastFailureMicros) return std::nullopt;
             return seconds(*h.lastFailureMicros);
         });
    emit("intouch_sync_stream_checkpoint_timestamp_seconds",
         "The last `modified` committed for the stream (Unix time; incremental streams).",
         [](const StreamHealth& h) -> std::optional<double> {
             if (!h.incremental || !h.checkpointMicros) return std::nullopt;
             return seconds(*h.checkpointMicros);
         });
    emit("intouch_sync_stream_lag_seconds",
         "Now minus the last `modified` committed: how far the table trails the CRM at most.",
         [](const StreamHealth& h) { return h.lagSeconds; });
    return p.text();
}

std::string metricsFileForSource(const std::string& file, const std::string& source) {
    if (file.empty() || source.empty()) return file;
    const std::filesystem::path p(file);
    return (p.parent_path() / (p.stem().string() + "_" + source + p.extension().string())).string();
}

void publishRunMetrics(const MetricsTarget& target, const Config& config,
                       const std::string& command, const std::vector<StreamSpec>& streams,
                       const SyncReport& report, ExitCode exitCode) {
    if (!target.enabled()) return;
    std::string text;
    try {
        text = renderRunMetrics(config, command, streams, report, exitCode);
    } catch (const std::exception& e) {
        log::warn("metrics: cannot render", {{"error", log::redact(e.what())}});
        return;
    }
    if (!target.file.empty()) {
        try {
            writeFileAtomically(target.file, text);
            log::debug("metrics written", {{"file", target.file}});
        } catch (const std::exception& e) {
            log::warn("metrics: cannot write the file", {{"error", log::redact(e.what())}});
        }
    }
    if (!target.pushgateway.empty()) {
        try {
            // Grouped by schema: runs for other schemas (other CRMs) keep their metrics.
            pushToGateway(target.pushgateway, "intouch_sync", {{"schema", config.target.schema}},
                          text, 10);
            log::debug("metrics pushed", {{"pushgateway", secrets::withoutUserInfo(target.pushgateway)}});
        } catch (const std::exception& e) {
            log::warn("metrics: cannot push to the Pushgateway",
                      {{"error", log::redact(e.what())}});
        }
    }
}

}  // namespace intouch
