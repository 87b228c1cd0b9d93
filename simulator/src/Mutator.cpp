#include "Mutator.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "RecordBuilder.h"

namespace intouch::sim {

namespace {

// Fields that change together in one edit, so an edited record stays consistent (profit
// matches amount - expense, totalPrice matches items, categoriesValue matches categories).
const std::vector<std::vector<std::string_view>>& editGroups(Resource r) {
    static const std::vector<std::vector<std::string_view>> parties{
        {"debit"},
        {"comment"},
        {"contacts"},
        {"categories", "categoriesValue"},
        {"city", "country", "countryValue", "adrState"},
        {"customFields"},
        {"canShopping"},
        {"bankAccount", "bankCode", "bankSymbol"}};
    static const std::vector<std::vector<std::string_view>> comm{
        {"contacted", "contactedTime"}, {"comment"}, {"name"}, {"agendaCategory"}};
    static const std::vector<std::vector<std::string_view>> opportunities{
        {"stage", "reallyClosed", "lostOccasion"},
        {"probability"},
        {"amount", "expense", "profit", "intlAmount", "intlExpense", "intlProfit", "currency"},
        {"comment"},
        {"closeDate"}};
    static const std::vector<std::vector<std::string_view>> buscases{
        {"items", "totalPrice"}, {"subject"}, {"action"}, {"street"}};
    static const std::vector<std::vector<std::string_view>> invoices{
        {"paid"}, {"due"}, {"items", "totalPrice"}};
    static const std::vector<std::vector<std::string_view>> products{
        {"price"}, {"active"}, {"vatRate"}};
    static const std::vector<std::vector<std::string_view>> stores{{"name"}, {"street"}};
    static const std::vector<std::vector<std::string_view>> notes{{"note", "html"}};
    static const std::vector<std::vector<std::string_view>> files{{"name"}, {"size"}};
    static const std::vector<std::vector<std::string_view>> members{{"priority"}, {"forContact"}};
    switch (r) {
        case Resource::Parties:
            return parties;
        case Resource::Comm:
            return comm;
        case Resource::Opportunities:
            return opportunities;
        case Resource::Buscases:
            return buscases;
        case Resource::Invoices:
            return invoices;
        case Resource::Products:
            return products;
        case Resource::Stores:
            return stores;
        case Resource::Notes:
            return notes;
        case Resource::Files:
            return files;
        case Resource::Members:
            return members;
    }
    return members;
}

int64_t enteredOf(Resource r, const Record& rec) {
    const auto& v = rec.values[fieldIndex(r, "entered")];
    return std::holds_alternative<DateTime>(v) ? std::get<DateTime>(v).epochSeconds : 0;
}

}  // namespace

RecordPtr Mutator::edit(Resource r, const RecordPtr& old, int64_t ts) {
    const auto& schema = schemaFor(r);
    const RecordGenerator gen = data_.liveGenerator();
    Record fresh;
    if (r == Resource::Members) {
        fresh = gen.member(rng_, old->id, 0, 0);
    } else {
        fresh = gen.make(r, rng_, old->id, enteredOf(r, *old), ts);
    }
    Record next = *old;
    next.cachedJson.clear();
    const auto& groups = editGroups(r);
    const auto count = 1 + rng_.below(std::min<uint64_t>(2, groups.size()));
    for (uint64_t i = 0; i < count; ++i) {
        for (std::string_view f : rng_.pick(groups)) {
            const auto idx = fieldIndex(r, f);
            next.values[idx] = fresh.values[idx];
        }
    }
    if (schema.hasModified) {
        next.values[fieldIndex(r, "modified")] = DateTime{ts};
        if (schema.indexOf("modifiedBy"))
            next.values[fieldIndex(r, "modifiedBy")] = fresh.values[fieldIndex(r, "modifiedBy")];
    }
    RecordPtr sealed = data_.seal(r, std::move(next));
    data_.table(r).put(sealed);
    return sealed;
}

RecordPtr Mutator::insert(Resource r, int64_t ts) {
    const RecordGenerator gen = data_.liveGenerator();
    Table& t = data_.table(r);
    if (r == Resource::Members) {
        const auto& parties = data_.table(Resource::Parties).rows();
        if (parties.size() < 2) return nullptr;
        std::set<std::pair<int64_t, int64_t>> existing;
        const auto orgIdx = fieldIndex(r, "org"), memberIdx = fieldIndex(r, "member");
        for (const auto& m : t.rows())
            existing.emplace(std::get<int64_t>(m->values[orgIdx]),
                             std::get<int64_t>(m->values[memberIdx]));
        for (int attempt = 0; attempt < 50; ++attempt) {
            const int64_t org = rng_.pick(parties)->id, member = rng_.pick(parties)->id;
            if (org == member || existing.count({org, member})) continue;
            RecordPtr sealed = data_.seal(r, gen.member(rng_, t.takeNextId(), org, member));
            t.put(sealed);
            return sealed;
        }
        return nullptr;
    }
    RecordPtr sealed = data_.seal(r, gen.make(r, rng_, t.takeNextId(), ts, ts));
    t.put(sealed);
    return sealed;
}

MutationResult Mutator::apply(Resource r, int64_t edits, int64_t inserts, int64_t deletes,
                              bool sharedTimestamp) {
    MutationResult result;
    const int64_t shared = sharedTimestamp ? now_() : 0;
    auto stamp = [&] { return sharedTimestamp ? shared : now_(); };

    // Distinct victims: a partial Fisher-Yates over a copy of the current rows.
    std::vector<RecordPtr> pool = data_.table(r).rows();
    auto draw = [&]() -> RecordPtr {
        if (pool.empty()) return nullptr;
        const auto i = static_cast<std::size_t>(rng_.below(pool.size()));
        std::swap(pool[i], pool.back());
        RecordPtr p = pool.back();
        pool.pop_back();
        return p;
    };
    for (int64_t i = 0; i < edits; ++i) {
        RecordPtr victim = draw();
        if (!victim) break;
        result.edited.push_back(edit(r, victim, stamp()));
    }
    for (int64_t i = 0; i < inserts; ++i) {
        if (RecordPtr p = insert(r, stamp())) result.inserted.push_back(std::move(p));
    }
    for (int64_t i = 0; i < deletes; ++i) {
        RecordPtr victim = draw();
        if (!victim) break;
        data_.table(r).erase(victim->id);
        result.deleted.push_back(std::move(victim));
    }
    return result;
}

MutationResult Mutator::random(Resource r, int64_t n, const MutationWeights& w) {
    MutationResult result;
    const double total = w.edit + w.insert + w.del;
    if (total <= 0) return result;
    for (int64_t i = 0; i < n; ++i) {
        const double roll = rng_.unit() * total;
        Table& t = data_.table(r);
        if (roll < w.edit) {
            if (t.rows().empty()) continue;
            result.edited.push_back(edit(r, rng_.pick(t.rows()), now_()));
        } else if (roll < w.edit + w.insert) {
            if (RecordPtr p = insert(r, now_())) result.inserted.push_back(std::move(p));
        } else {
            if (t.rows().empty()) continue;
            RecordPtr victim = rng_.pick(t.rows());
            t.erase(victim->id);
            result.deleted.push_back(std::move(victim));
        }
    }
    return result;
}

}  // namespace intouch::sim
