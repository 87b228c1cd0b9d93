#pragma once
// What the connector requires of every answer of a list, in one place: each rule
// here is an assumption of docs/incremental-sync.md ("What the server must
// guarantee") turned into a check, so that a server that breaks it stops the
// stream with a message saying which rule and where, instead of a silent loss,
// an endless loop or a delete on the strength of a partial read. The pagers
// (OverlappedPager, FullReplaceSync's whole read) only ask this class whether an
// answer ends the list and whether their step can make progress; every ListSource
// runs check() on every answer.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "source/PageFetcher.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

class PageChecks {
  public:
    // `cursorField`: the source field `orderBy` names for the stream's cursor ("" if none).
    PageChecks(std::string stream, std::string cursorField)
        : stream_(std::move(stream)), cursorField_(std::move(cursorField)) {}

    // Throws InconsistentReadError when the answer to `request` breaks a rule: a page
    // envelope without `total`; `position` echoed differently from the request, or the
    // same records (two or more) as the previous answer at a larger position (the server
    // ignores `position`); `modified` (orderBy = the cursor field) or `id` (orderBy=id)
    // decreasing within the answer.
    void check(const PageRequest& request, const Page& page, const std::vector<ListItem>& items);

    // An answer of `served` records at `position` ends the list when it reaches `total`
    // (a short page alone proves nothing: servers may cap `size`). An empty answer ends
    // it too, whatever `total` claims: a `total` larger than the list must not loop.
    static bool reachesEnd(std::int64_t position, std::int64_t served,
                           std::optional<std::int64_t> total);

    // Reading with an overlap of one record needs answers of at least two records;
    // throws InconsistentReadError naming the stream otherwise (a server serving one
    // record per page could only be read by looping).
    static void requireOverlapStep(const std::string& stream, std::int64_t served,
                                   std::int64_t position);

  private:
    std::string stream_;
    std::string cursorField_;
    std::optional<std::int64_t> lastPosition_;
    std::vector<std::string> lastKeys_;
};

}  // namespace intouch
