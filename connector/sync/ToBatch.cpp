#include "sync/ToBatch.hpp"

namespace intouch {

PageBatch toBatch(const std::vector<ListItem*>& items) {
    PageBatch batch;
    for (ListItem* item : items) {
        if (item->mapped)
            batch.records.push_back(std::move(*item->mapped));
        else if (item->reject)
            batch.rejects.push_back(std::move(*item->reject));
    }
    return batch;
}

PageBatch toBatch(std::vector<ListItem>& items) {
    std::vector<ListItem*> all;
    all.reserve(items.size());
    for (ListItem& item : items) all.push_back(&item);
    return toBatch(all);
}

}  // namespace intouch
