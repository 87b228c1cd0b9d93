#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "Record.h"
#include "Rng.h"
#include "Schema.h"

namespace intouch::sim {

// References between resources (customer, srcId, items[].product...) point at ids that exist;
// where they come from differs between initial generation and later inserts.
using IdPicker = std::function<std::optional<int64_t>(Resource, Rng&)>;

// Builds one realistic record. Used for the initial data set and for inserts/edits at run
// time, so mutated records look like generated ones.
class RecordGenerator {
  public:
    explicit RecordGenerator(IdPicker pick) : pick_(std::move(pick)) {}

    // Any resource except Members.
    Record make(Resource r, Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record member(Rng& rng, int64_t internalId, int64_t org, int64_t member) const;

    // Deterministic from the id, so invoice and order items can name products consistently.
    static std::string productName(int64_t productId);

  private:
    Record party(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record comm(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record opportunity(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record buscase(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record invoice(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record product(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record store(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record note(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;
    Record file(Rng& rng, int64_t id, int64_t entered, int64_t modified) const;

    Value ref(Resource r, Rng& rng, double probability = 1.0) const;
    // JSON array of order/invoice lines and their sum, in hundredths.
    std::pair<std::string, int64_t> items(Rng& rng, int minItems, int maxItems) const;

    IdPicker pick_;
};

}  // namespace intouch::sim
