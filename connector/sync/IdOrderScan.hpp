#pragma once
// Walks a whole list ordered by `id`. Ids are unique and never change, so this
// order has no ties and edits do not move records; deletions slide the list
// back, which the overlap check catches (the first record of every page after
// the first must have an id already passed) and repairs by searching for the
// place again (OverlappedPager). Every record that exists for the whole walk is
// visited exactly once.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sync/ListSource.hpp"

namespace intouch {

class IdOrderScan {
  public:
    // Called once per page with the records not visited before, in id order. The
    // visitor may move their mapped rows out (the scan only needs their ids).
    using Visitor = std::function<void(ListPage& page, const std::vector<ListItem*>& fresh)>;

    IdOrderScan(ListSource& source, int pageSize, int maxRelocations)
        : source_(source), pageSize_(pageSize), maxRelocations_(maxRelocations) {}

    // With `stopAfterId`, the walk ends at the first page that reaches past it: records
    // created after a walk began need not be chased by a walk that only has to
    // cover the records that existed when it began.
    void run(const Visitor& visit, std::optional<std::int64_t> stopAfterId = std::nullopt);
    std::int64_t relocations() const { return relocations_; }
    // The last answer reached the `total` it reported (false when the walk ended on an
    // empty answer short of it, a `total` larger than the list, or at stopAfterId).
    bool reachedTotal() const { return reachedTotal_; }
    // For a walk that must cover the whole list (a reconcile, a full read): throws
    // InconsistentReadError when it ended on an empty answer before the list's `total` (the
    // CRM overstates its list, or lost records from it), so that nothing is decided on an
    // incomplete read. `consequence` says what the caller then leaves undone.
    void requireReachedTotal(const std::string& stream, std::optional<std::int64_t> total,
                             std::int64_t seen, const std::string& consequence) const;

  private:
    ListSource& source_;
    int pageSize_;
    int maxRelocations_;
    std::int64_t relocations_ = 0;
    bool reachedTotal_ = false;
};

}  // namespace intouch
