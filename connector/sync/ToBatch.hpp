#pragma once
// The one conversion from the read side to the sink: the records of a page
// become the writer's batch (rows, and rejects for records the mapping refused).

#include <vector>

#include "sink/PageBatch.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

// Moves the mapped rows and rejects out of `items` (afterwards only their cursors,
// keys and ids may be read); the batch has no checkpoint.
PageBatch toBatch(const std::vector<ListItem*>& items);
PageBatch toBatch(std::vector<ListItem>& items);

}  // namespace intouch
