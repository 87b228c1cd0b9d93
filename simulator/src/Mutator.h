#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "DataSet.h"
#include "Rng.h"

namespace intouch::sim {

struct MutationResult {
    std::vector<RecordPtr> edited;  // the new versions
    std::vector<RecordPtr> inserted;
    std::vector<RecordPtr> deleted;  // the versions that were removed
};

struct MutationWeights {
    double edit = 60, insert = 25, del = 15;
};

// Changes the data the way a CRM's users and its own jobs do between two sync runs: edits
// bump `modified` to the clock's now, inserts take the next id, deletes make a record vanish
// from lists and single reads (there is no delete feed in the API).
class Mutator {
  public:
    using Now = std::function<int64_t()>;

    Mutator(DataSet& data, Rng& rng, Now now) : data_(data), rng_(rng), now_(std::move(now)) {}

    // Exact counts. Edits and deletes hit distinct records, deletes never a record this call
    // edited or inserted; counts beyond the available records are silently capped.
    // sharedTimestamp: all mutations of the call carry one `modified` (a bulk edit).
    MutationResult apply(Resource r, int64_t edits, int64_t inserts, int64_t deletes,
                         bool sharedTimestamp);
    // n independent mutations, each an edit, insert or delete by weight.
    MutationResult random(Resource r, int64_t n, const MutationWeights& w);

  private:
    RecordPtr edit(Resource r, const RecordPtr& old, int64_t ts);
    RecordPtr insert(Resource r, int64_t ts);

    DataSet& data_;
    Rng& rng_;
    Now now_;
};

}  // namespace intouch::sim
