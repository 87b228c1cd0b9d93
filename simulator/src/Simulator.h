#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include "Clock.h"
#include "DataSet.h"
#include "FaultInjector.h"
#include "Mutator.h"
#include "PageQuery.h"
#include "RuntimeConfig.h"
#include "SimConfig.h"
#include "Stats.h"

namespace intouch::sim {

// The shared state of one simulated CRM. All data access goes through one lock: a list
// request applies its mutations and takes its page snapshot under that lock, so what a page
// shows is exactly the state after those mutations. Records themselves are immutable, so
// serialization happens after the lock is released.
class Simulator {
  public:
    explicit Simulator(const SimConfig& cfg, SimClock::WallClock wall = SimClock::systemSeconds);

    const SimConfig& startup() const { return startup_; }
    DateTimeFormat format() const { return startup_.datetimeFormat; }
    GenerationParams generation() const;

    RuntimeConfig runtime() const;
    std::optional<ParamProblem> updateRuntime(const QueryParams& q);

    SimClock& clock() { return clock_; }
    Stats& stats() { return stats_; }
    FaultInjector& faults() { return faults_; }

    using Filter = std::function<bool(const Record&)>;
    struct ListRequest {
        Resource resource = Resource::Parties;
        Filter filter;  // empty: every record
        SortSpec sort;
        int64_t position = 0;
        int64_t size = INT64_MAX;
        // Apply the configured per-request mutations first (API list requests only).
        bool mutate = true;
    };
    struct ListResult {
        int64_t total = 0;
        std::vector<RecordPtr> items;
    };
    ListResult list(const ListRequest& req);

    RecordPtr find(Resource r, int64_t id);
    MutationResult mutate(Resource r, int64_t edits, int64_t inserts, int64_t deletes, bool tie);
    // Replaces one field of record `id` with v (touch: `modified` = now, like an edit);
    // nullptr when there is no such record. For data the generator never makes.
    RecordPtr setField(Resource r, int64_t id, std::size_t field, Value v, bool touch);
    // Regenerates all data; unset values keep their current setting.
    GenerationParams reset(std::optional<uint64_t> seed, std::optional<int64_t> records,
                           std::optional<int64_t> tieSize);
    int64_t count(Resource r);

  private:
    void reseedLocked(uint64_t seed);
    const std::vector<RecordPtr>& sortedLocked(Resource r, const SortSpec& sort);

    // Full sort orders of unfiltered lists, reused while the table's version is unchanged:
    // a connector paging through 100k records asks for the same order a hundred times.
    struct SortCacheEntry {
        Resource resource;
        std::size_t field;
        bool desc;
        uint64_t version;
        std::vector<RecordPtr> sorted;
    };

    const SimConfig startup_;
    SimClock clock_;
    Stats stats_;
    FaultInjector faults_;

    mutable std::mutex configMu_;
    RuntimeConfig runtime_;

    mutable std::mutex dataMu_;
    DataSet data_;
    Rng mutationRng_;
    Rng tieRng_;
    std::vector<SortCacheEntry> sortCache_;
};

}  // namespace intouch::sim
