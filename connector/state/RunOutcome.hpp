#pragma once
// How a run or one stream of it ended. The text forms are what sync_runs /
// sync_stream_runs.outcome, the CLI and the metrics show; they never change.
// (The history also holds `running` and `abandoned`, written by RunHistory itself.)

namespace intouch {

enum class RunOutcome {
    Success,
    Partial,      // completed, some records rejected
    Failed,
    Interrupted,  // a stop was requested
    Locked,       // another run held the stream's lock
    Unavailable,  // this CRM does not serve the stream (404 before any answer)
    Skipped,      // its mapping declares versions that exclude this CRM
};

inline constexpr RunOutcome kRunOutcomes[] = {
    RunOutcome::Success, RunOutcome::Partial,     RunOutcome::Failed, RunOutcome::Interrupted,
    RunOutcome::Locked,  RunOutcome::Unavailable, RunOutcome::Skipped};

constexpr const char* outcomeText(RunOutcome o) {
    switch (o) {
        case RunOutcome::Success:
            return "success";
        case RunOutcome::Partial:
            return "partial";
        case RunOutcome::Failed:
            return "failed";
        case RunOutcome::Interrupted:
            return "interrupted";
        case RunOutcome::Locked:
            return "locked";
        case RunOutcome::Unavailable:
            return "unavailable";
        case RunOutcome::Skipped:
            return "skipped";
    }
    return "failed";
}

}  // namespace intouch
