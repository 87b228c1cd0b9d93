#pragma once
// The list as the pagers see it: answers of up to `size` records from `position` in one
// order, each already checked against the rules of PageChecks. ListReader serves it from
// the CRM (PageFetcher + RecordMapper); tests/sync serves it from memory, where ties,
// slides, capped pages, a missing `total` and misordered answers are made on purpose.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

struct ListPage {
    std::vector<ListItem> items;
    std::vector<json::Value> raw;  // the records as received, parallel to items (may be empty)
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> serverDate;
    bool envelope = true;  // false: a plain JSON array, the whole list

    // True when this answer at `position` reaches the end of the list: by `total`, never
    // by being short (a server may serve fewer records than asked); see
    // PageChecks::reachesEnd.
    bool reachesEnd(std::int64_t position) const;
};

class ListSource {
  public:
    virtual ~ListSource() = default;

    // The stream's name, for messages.
    virtual const std::string& stream() const = 0;
    // Up to `size` records from `position`, ordered by `orderBy` (ascending). Throws
    // InconsistentReadError when the answer breaks a rule of PageChecks, InterruptedError
    // when a stop was requested.
    virtual ListPage read(std::int64_t position, int size, const std::string& orderBy) = 0;

    // The record at `position` by a one-record answer; nullopt past the end. `total`
    // receives the answer's `total` (-1 without one).
    std::optional<ListItem> probe(std::int64_t position, const std::string& orderBy,
                                  std::int64_t& total);
};

}  // namespace intouch
