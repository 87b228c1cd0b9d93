#pragma once
// What the writer receives: one page's rows and rejects, and the checkpoint to
// save in the same transaction (sync builds it from a page: toBatch).

#include <iterator>
#include <optional>
#include <vector>

#include "mapping/MappedRecord.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

struct PageBatch {
    std::vector<MappedRecord> records;
    std::vector<RejectedRecord> rejects;
    std::optional<Checkpoint> checkpoint;  // saved with the page when set

    // Moves the rows and rejects of `more` to the end of this batch (its checkpoint is dropped).
    void append(PageBatch&& more) {
        records.insert(records.end(), std::make_move_iterator(more.records.begin()),
                       std::make_move_iterator(more.records.end()));
        rejects.insert(rejects.end(), std::make_move_iterator(more.rejects.begin()),
                       std::make_move_iterator(more.rejects.end()));
    }
};

}  // namespace intouch
