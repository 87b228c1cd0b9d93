#pragma once

namespace intouch {

// Finding deletions after an incremental run (sync.reconcile): `auto` when the table
// holds more live rows than the API's total, `always`, or `never`.
enum class ReconcileMode { Auto, Always, Never };

struct SyncOptions {
    int pageSize = 1000;
    // Re-read this much of `modified` before the checkpoint at the start of a run,
    // for servers whose transactions commit later than their timestamps.
    double lookbackSeconds = 0;
    // A record modified less than this long before the server's clock (Date
    // header) may still change within the same `modified` second; the checkpoint
    // is held before it so the next run reads it again.
    double settleSeconds = 2;
    // How often one run may re-find its place after the list moved under it.
    int maxRelocations = 200;
    bool dryRun = false;
    ReconcileMode reconcile = ReconcileMode::Auto;
    // Also reconcile every Nth run of a stream (0 = off).
    int reconcileEveryRuns = 0;
    // Deleted records: soft (deleted_at is set) or hard (rows and children removed).
    bool hardDelete = false;
    // Streams synced side by side (sync.parallel_streams): each worker has its own
    // PostgreSQL connection; all share the CRM client's one throttle. 1 = one after another.
    int parallelStreams = 2;
};

}  // namespace intouch
