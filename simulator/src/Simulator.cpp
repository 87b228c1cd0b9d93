#include "Simulator.h"

#include "RecordBuilder.h"
#include "TimestampPlan.h"

namespace intouch::sim {

namespace {

GenerationParams paramsFrom(const SimConfig& c) {
    GenerationParams p;
    p.seed = c.seed;
    p.records = c.records;
    p.tieSize = c.tieSize;
    p.format = c.datetimeFormat;
    p.precompute = c.precompute;
    return p;
}

// Separate random streams per purpose, so e.g. enabling faults does not change mutations.
constexpr uint64_t kMutationStream = 200, kTieStream = 201, kFaultStream = 202;

}  // namespace

Simulator::Simulator(const SimConfig& cfg, SimClock::WallClock wall)
    : startup_(cfg),
      clock_(cfg.clockStart ? SimClock::scheduled(*cfg.clockStart, cfg.clockSpeed)
                            : std::move(wall)),
      faults_(Rng::derive(cfg.seed, kFaultStream)),
      runtime_(initialRuntimeConfig(cfg)),
      data_(DataSet::generate(paramsFrom(cfg))) {
    // Generated data lies before the base instant; now() must exceed all of it.
    clock_.raiseFloor(kBaseInstant);
    reseedLocked(cfg.seed);
}

void Simulator::reseedLocked(uint64_t seed) {
    mutationRng_.reseed(Rng::derive(seed, kMutationStream));
    tieRng_.reseed(Rng::derive(seed, kTieStream));
    faults_.reseed(Rng::derive(seed, kFaultStream));
}

GenerationParams Simulator::generation() const {
    std::lock_guard lock(dataMu_);
    return data_.params();
}

RuntimeConfig Simulator::runtime() const {
    std::lock_guard lock(configMu_);
    return runtime_;
}

std::optional<ParamProblem> Simulator::updateRuntime(const QueryParams& q) {
    std::lock_guard lock(configMu_);
    return applyConfigParams(runtime_, q);
}

Simulator::ListResult Simulator::list(const ListRequest& req) {
    const RuntimeConfig cfg = runtime();
    std::lock_guard lock(dataMu_);
    if (req.mutate && cfg.mutatePerRequest > 0 &&
        cfg.mutateStreams[static_cast<std::size_t>(req.resource)]) {
        Mutator m(data_, mutationRng_, [this] { return clock_.now(); });
        const auto res = m.random(req.resource, cfg.mutatePerRequest,
                                  {cfg.editWeight, cfg.insertWeight, cfg.deleteWeight});
        stats_.mutations(static_cast<int64_t>(res.edited.size()),
                         static_cast<int64_t>(res.inserted.size()),
                         static_cast<int64_t>(res.deleted.size()));
    }
    const auto& rows = data_.table(req.resource).rows();
    ListResult out;
    Rng* shuffle = cfg.shuffleTies ? &tieRng_ : nullptr;
    if (!req.filter) {
        out.total = static_cast<int64_t>(rows.size());
        if (req.sort.field) {
            out.items = pageFromSorted(sortedLocked(req.resource, req.sort), req.sort, shuffle,
                                       req.position, req.size);
        } else {
            out.items = selectPage(rows, req.sort, shuffle, req.position, req.size);
        }
    } else {
        std::vector<RecordPtr> matching;
        for (const auto& r : rows)
            if (req.filter(*r)) matching.push_back(r);
        out.total = static_cast<int64_t>(matching.size());
        out.items = selectPage(matching, req.sort, shuffle, req.position, req.size);
    }
    return out;
}

const std::vector<RecordPtr>& Simulator::sortedLocked(Resource r, const SortSpec& sort) {
    const Table& table = data_.table(r);
    for (auto& e : sortCache_) {
        if (e.resource != r || e.field != *sort.field || e.desc != sort.desc) continue;
        if (e.version != table.version()) {
            e.sorted = sortRows(table.rows(), sort);
            e.version = table.version();
        }
        return e.sorted;
    }
    // A handful of orders is what any client uses; beyond that, start over.
    if (sortCache_.size() >= 16) sortCache_.clear();
    sortCache_.push_back(
        {r, *sort.field, sort.desc, table.version(), sortRows(table.rows(), sort)});
    return sortCache_.back().sorted;
}

RecordPtr Simulator::find(Resource r, int64_t id) {
    std::lock_guard lock(dataMu_);
    return data_.table(r).find(id);
}

int64_t Simulator::count(Resource r) {
    std::lock_guard lock(dataMu_);
    return static_cast<int64_t>(data_.table(r).rows().size());
}

MutationResult Simulator::mutate(Resource r, int64_t edits, int64_t inserts, int64_t deletes,
                                 bool tie) {
    std::lock_guard lock(dataMu_);
    Mutator m(data_, mutationRng_, [this] { return clock_.now(); });
    auto res = m.apply(r, edits, inserts, deletes, tie);
    stats_.mutations(static_cast<int64_t>(res.edited.size()),
                     static_cast<int64_t>(res.inserted.size()),
                     static_cast<int64_t>(res.deleted.size()));
    return res;
}

RecordPtr Simulator::setField(Resource r, int64_t id, std::size_t field, Value v, bool touch) {
    std::lock_guard lock(dataMu_);
    RecordPtr old = data_.table(r).find(id);
    if (!old) return nullptr;
    Record next = *old;
    next.cachedJson.clear();
    next.values.at(field) = std::move(v);
    if (touch && schemaFor(r).hasModified)
        next.values[fieldIndex(r, "modified")] = DateTime{clock_.now()};
    RecordPtr sealed = data_.seal(r, std::move(next));
    data_.table(r).put(sealed);
    return sealed;
}

GenerationParams Simulator::reset(std::optional<uint64_t> seed, std::optional<int64_t> records,
                                  std::optional<int64_t> tieSize) {
    std::lock_guard lock(dataMu_);
    GenerationParams p = data_.params();
    if (seed) p.seed = *seed;
    if (records) p.records = *records;
    if (tieSize) p.tieSize = *tieSize;
    sortCache_.clear();
    data_ = DataSet::generate(p);
    reseedLocked(p.seed);
    return p;
}

}  // namespace intouch::sim
