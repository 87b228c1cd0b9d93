#pragma once
// Reads a sorted, offset-paged list that others edit meanwhile, page by page, without
// letting a record slide past unseen (docs/incremental-sync.md, "Reading" 1, 2 and 5).
// Every server-shape rule of paging lives here once; the readers built on it
// (IncrementalReader by `modified`, IdOrderScan by `id` for tie groups, reconcile and
// full replace) only say which order they walk and where they stand in it:
//  * `Place`: true for a record that sorts after everything the reader has taken. It is
//    monotone along the list (false...false true...true), so the place can be found by
//    search (PositionSearch), and a page after the first is anchored when its first
//    record is not after the place: then nothing slid past unseen;
//  * a page that is not anchored means records before the place were deleted or edited
//    away: the pager searches back for its place (the list slid by as many records as
//    changed) and, when asked to, widens the overlap of later pages to twice the slide
//    seen (at most a quarter of a page); `maxRelocations` searches in a row without an
//    anchored page end the read with a SourceError instead of a loop;
//  * a page ends the list when it reaches `total` or is empty (a short page proves
//    nothing: servers cap `size`); an answer of one record short of `total` is the end of
//    an overstated list when nothing follows it, and a server serving one record per
//    page otherwise (InconsistentReadError: an overlap needs two).

#include <cstdint>
#include <functional>
#include <string>

#include "sync/ListSource.hpp"
#include "sync/PositionSearch.hpp"

namespace intouch {

class OverlappedPager {
  public:
    // What the place search looks for, and the anchor test, negated.
    using Place = PositionSearch::Predicate;
    // Sees every record a position search probes (with the position and the answer's
    // `total`): the incremental reader learns the list's newest record from the first.
    using ProbeSeen =
        std::function<void(std::int64_t position, const ListItem& item, std::int64_t total)>;

    struct Order {
        std::string orderBy;        // "id" or the cursor field ("modified")
        bool widenOverlap = false;  // widen the overlap after a slide (see above)
    };

    OverlappedPager(ListSource& source, Order order, int pageSize, int maxRelocations);

    void onProbe(ProbeSeen seen) { probeSeen_ = std::move(seen); }

    // Starts at the record before the first one after `place`, found by a search from the
    // end of the list (recent changes are there); at 0 without overlap if that is first.
    void seek(const Place& place);
    // Starts at `position` instead of searching, on a hint of where the last record before
    // the place is (the last run's end of the list): no request until the first page, which
    // is checked like any page after a search. When it does not anchor (the list shrank or
    // slid back past the hint) the place is searched for back from `position`, as seek()
    // would have found it; that miss is neither a relocation nor a reason to widen the
    // overlap, since the list did not move under this run.
    void guess(std::int64_t position);
    // The next anchored page at the current position, re-finding the place as often as
    // the list slides under the reader.
    ListPage next(const Place& place);
    // Whether `page`, the last one next() returned, ends the list (may cost one probe).
    bool atEnd(const ListPage& page);
    // Moves on so that the next page starts at the record before page.items[keepFrom]:
    // keepFrom = items.size() overlaps by the last record; less re-reads a tail of the
    // page (a tie group) in the next answer. The widened overlap comes on top.
    void advance(const ListPage& page, std::size_t keepFrom);

    std::int64_t position() const { return position_; }
    std::int64_t relocations() const { return relocations_; }
    const std::string& orderBy() const { return order_.orderBy; }

  private:
    // The first position after `place`: from the end of the list, or back from `near`.
    std::int64_t search(const Place& place, std::optional<std::int64_t> near);
    void startBefore(std::int64_t firstAfter);
    void relocate(const Place& place);

    ListSource& source_;
    Order order_;
    int pageSize_;
    int maxRelocations_;
    ProbeSeen probeSeen_;
    std::int64_t position_ = 0;
    bool overlap_ = false;
    bool guessed_ = false;    // the next page checks a guess(), not a search's answer
    int unanchored_ = 0;      // relocations since the last page that could be read
    std::int64_t slack_ = 0;  // extra records of overlap between pages
    std::int64_t relocations_ = 0;
};

}  // namespace intouch
