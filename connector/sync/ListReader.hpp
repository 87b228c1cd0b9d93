#pragma once
// Reads pages of one stream's list and maps their records: the one place where
// the sync strategies touch the fetcher, and where every answer is checked
// against what the connector requires of the server (PageChecks).

#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "source/PageFetcher.hpp"
#include "sync/ListItem.hpp"
#include "sync/PageChecks.hpp"

namespace intouch {

struct ListPage {
    std::vector<ListItem> items;
    std::vector<json::Value> raw;  // the records as received, parallel to items
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> serverDate;
    bool envelope = true;  // false: a plain JSON array, the whole list

    // True when this answer reaches the end of the list: by `total`, never by being
    // short (a server may serve fewer records than asked).
    bool reachesEnd(std::int64_t position) const {
        return !envelope ||
               PageChecks::reachesEnd(position, static_cast<std::int64_t>(items.size()), total);
    }
};

class ListReader {
public:
    ListReader(PageFetcher& fetcher, const RecordMapper& mapper, const StreamSpec& spec);

    // Throws InterruptedError when a stop was requested, InconsistentReadError when the
    // answer breaks a rule of PageChecks.
    ListPage read(std::int64_t position, int size, const std::string& orderBy);
    // The same for any request of this stream's endpoint (full replace: plain arrays
    // accepted, paging parameters optional).
    ListPage read(PageRequest request);
    // A one-record page for position searches; nullopt past the end.
    std::optional<ListItem> probe(std::int64_t position, const std::string& orderBy, std::int64_t& total);

    // For a paging loop that reads with a one-record overlap: an answer of fewer than two
    // records short of `total` is the end of a list whose `total` overstates it when nothing
    // follows it (true), and a server serving one record per answer otherwise (throws
    // InconsistentReadError: it cannot be read with an overlap).
    bool endsShortOfTotal(const ListPage& page, std::int64_t position, const std::string& orderBy);

    const StreamSpec& spec() const { return spec_; }

private:
    PageFetcher& fetcher_;
    const RecordMapper& mapper_;
    const StreamSpec& spec_;
    PageChecks checks_;
};

}  // namespace intouch
