#pragma once
// The tallies of a write, a stream's run and a whole run, in one type: each
// level adds up the one below with +=, and the run history stores the fields
// its table has (sync_stream_runs: seen..requests; sync_runs: upserted..bytes).

#include <cstdint>

namespace intouch {

struct Totals {
    std::int64_t seen = 0;      // records read from the CRM
    std::int64_t upserted = 0;  // rows inserted or changed
    std::int64_t deleted = 0;   // rows removed or marked deleted
    std::int64_t rejected = 0;  // records stored in sync_rejects
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t bytes = 0;

    Totals& operator+=(const Totals& o) {
        seen += o.seen;
        upserted += o.upserted;
        deleted += o.deleted;
        rejected += o.rejected;
        requests += o.requests;
        retries += o.retries;
        bytes += o.bytes;
        return *this;
    }
    // Only what was written (upserted, deleted, rejected): what a pass over records
    // already counted as seen (the reconcile after a sync) or a run adds of a stream.
    Totals written() const {
        Totals w;
        w.upserted = upserted;
        w.deleted = deleted;
        w.rejected = rejected;
        return w;
    }
};

}  // namespace intouch
