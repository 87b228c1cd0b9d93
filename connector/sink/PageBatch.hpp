#pragma once
// What the writer receives: one page's rows and rejects, and the checkpoint to
// save in the same transaction (sync builds it from a page: toBatch).

#include <iterator>
#include <optional>
#include <string>
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

// A record's key values, each followed by '\0', into `key` (cleared first): one string per
// key, the form in which the writers compare keys within and across pages.
void rowKey(const std::vector<std::string>& keyValues, std::string& key);

// Consecutive pages of one stream, in read order, as one batch holding one version per
// record: the one that writing the pages one by one would leave (a later version replaces
// an earlier one, under the upsert's own guard: not older; a missing cursor never blocks).
// An upsert's DISTINCT ON cannot decide this (it does not know which page a row came from),
// and two versions of a parent would send the children of both. Only the last page may
// carry rejects (std::logic_error otherwise): an earlier page's reject could be for a record
// a later page brings valid. The pages' records are moved out; the last checkpoint is kept.
PageBatch mergePagesInReadOrder(std::vector<PageBatch>& pages);

}  // namespace intouch
