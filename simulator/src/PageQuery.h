#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "Record.h"
#include "Rng.h"

namespace intouch::sim {

struct SortSpec {
    std::optional<std::size_t> field;  // none: id order
    bool desc = false;
};

// Orders `rows` (given in ascending id order) by the field's natural order, desc reversing
// it, and returns the slice [position, position + size). Equal keys keep ascending id order,
// or, with tieShuffle, come in a fresh random order drawn from it: the documentation does
// not promise a stable order within ties, and a connector must not rely on one.
std::vector<RecordPtr> selectPage(const std::vector<RecordPtr>& rows, const SortSpec& sort,
                                  Rng* tieShuffle, int64_t position, int64_t size);

// The same in two steps, so the full order can be cached while the data does not change:
// sortRows gives the complete order with ties in ascending id order; pageFromSorted slices
// it, reshuffling (when tieShuffle is set) every tie group the page touches.
std::vector<RecordPtr> sortRows(const std::vector<RecordPtr>& rows, const SortSpec& sort);
std::vector<RecordPtr> pageFromSorted(const std::vector<RecordPtr>& sorted, const SortSpec& sort,
                                      Rng* tieShuffle, int64_t position, int64_t size);

}  // namespace intouch::sim
