#include "DataSet.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <utility>

#include "RecordBuilder.h"
#include "RecordView.h"
#include "Rng.h"
#include "TimestampPlan.h"

namespace intouch::sim {

int64_t streamSize(Resource r, int64_t records) {
    switch (r) {
        case Resource::Parties:
            return records;
        case Resource::Comm:
            return records;
        case Resource::Opportunities:
            return records / 2;
        case Resource::Buscases:
            return records / 2;
        case Resource::Invoices:
            return records / 2;
        case Resource::Products:
            return records / 10 + 5;
        case Resource::Stores:
            return 5;
        case Resource::Notes:
            return records / 2;
        case Resource::Files:
            return records / 4;
        case Resource::Members:
            return records / 3;
    }
    return 0;
}

uint64_t Table::nextVersion() {
    static std::atomic<uint64_t> counter{0};
    return ++counter;
}

RecordPtr Table::find(int64_t id) const {
    auto it = std::lower_bound(rows_.begin(), rows_.end(), id,
                               [](const RecordPtr& r, int64_t v) { return r->id < v; });
    if (it == rows_.end() || (*it)->id != id) return nullptr;
    return *it;
}

void Table::put(RecordPtr r) {
    auto it = std::lower_bound(rows_.begin(), rows_.end(), r->id,
                               [](const RecordPtr& x, int64_t v) { return x->id < v; });
    if (r->id >= nextId_) nextId_ = r->id + 1;
    version_ = nextVersion();
    if (it != rows_.end() && (*it)->id == r->id)
        *it = std::move(r);
    else
        rows_.insert(it, std::move(r));
}

bool Table::erase(int64_t id) {
    auto it = std::lower_bound(rows_.begin(), rows_.end(), id,
                               [](const RecordPtr& r, int64_t v) { return r->id < v; });
    if (it == rows_.end() || (*it)->id != id) return false;
    rows_.erase(it);
    version_ = nextVersion();
    return true;
}

RecordPtr DataSet::seal(Resource r, Record&& rec) const {
    if (params_.precompute)
        rec.cachedJson = recordJson(schemaFor(r), rec, defaultListView(r), params_.format);
    return std::make_shared<const Record>(std::move(rec));
}

RecordGenerator DataSet::liveGenerator() const {
    return RecordGenerator([this](Resource r, Rng& rng) -> std::optional<int64_t> {
        const auto& rows = table(r).rows();
        if (rows.empty()) return std::nullopt;
        return rng.pick(rows)->id;
    });
}

namespace {

bool isOrgLike(const Record& party) {
    const auto& type = std::get<std::string>(party.values[fieldIndex(Resource::Parties, "type")]);
    return type == "ORGANIZATION" || type == "BRANCH" || type == "DEPARTMENT" || type == "FAMILY" ||
           type == "GROUP";
}

}  // namespace

DataSet DataSet::generate(const GenerationParams& p) {
    DataSet ds;
    ds.params_ = p;
    const int64_t records = std::max<int64_t>(p.records, 0);
    // While generating, every id 1..count of every stream exists, so references are uniform.
    RecordGenerator gen([records](Resource r, Rng& rng) -> std::optional<int64_t> {
        const int64_t n = streamSize(r, records);
        if (n <= 0) return std::nullopt;
        return rng.between(1, n);
    });

    for (Resource r : allResources()) {
        if (r == Resource::Members) continue;
        Rng rng(Rng::derive(p.seed, static_cast<uint64_t>(r) + 1));
        const int64_t n = streamSize(r, records);
        const TimestampPlan plan =
            planTimestamps(rng, {n, p.tieSize, p.format == DateTimeFormat::IsoLocal});
        Table& t = ds.table(r);
        for (int64_t i = 0; i < n; ++i) {
            const auto idx = static_cast<std::size_t>(i);
            t.put(ds.seal(r, gen.make(r, rng, i + 1, plan.entered[idx], plan.modified[idx])));
        }
        t.setNextId(n + 1);
    }

    // Relations connect organisations with people where the generated types allow it.
    Rng rng(Rng::derive(p.seed, 100));
    std::vector<int64_t> orgs, people;
    for (const auto& party : ds.table(Resource::Parties).rows())
        (isOrgLike(*party) ? orgs : people).push_back(party->id);
    if (orgs.empty() || people.empty()) {
        for (const auto& party : ds.table(Resource::Parties).rows()) orgs.push_back(party->id);
        people = orgs;
    }
    const int64_t wanted = streamSize(Resource::Members, records);
    std::set<std::pair<int64_t, int64_t>> seen;
    Table& members = ds.table(Resource::Members);
    int64_t internalId = 1;
    for (int64_t attempt = 0; attempt < wanted * 20 && static_cast<int64_t>(seen.size()) < wanted;
         ++attempt) {
        const int64_t org = rng.pick(orgs), member = rng.pick(people);
        if (org == member || !seen.emplace(org, member).second) continue;
        members.put(ds.seal(Resource::Members, gen.member(rng, internalId++, org, member)));
    }
    members.setNextId(internalId);
    return ds;
}

}  // namespace intouch::sim
