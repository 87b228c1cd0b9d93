#pragma once
// Reads pages of one stream's list and maps their records: the one place where
// the sync strategies touch the fetcher.

#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "sink/PostgresWriter.hpp"
#include "source/PageFetcher.hpp"
#include "sync/ListItem.hpp"

namespace intouch {

struct ListPage {
    std::vector<ListItem> items;
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> serverDate;

    // True when this answer reaches the end of the list.
    bool reachesEnd(std::int64_t position, int requestedSize) const {
        const auto n = static_cast<std::int64_t>(items.size());
        return n < requestedSize || (total && position + n >= *total);
    }
};

class ListReader {
public:
    ListReader(PageFetcher& fetcher, const RecordMapper& mapper, const PostgresWriter& writer,
               const StreamSpec& spec)
        : fetcher_(fetcher), mapper_(mapper), writer_(writer), spec_(spec) {}

    // Throws InterruptedError when a stop was requested.
    ListPage read(std::int64_t position, int size, const std::string& orderBy);
    // A one-record page for position searches; nullopt past the end.
    std::optional<ListItem> probe(std::int64_t position, const std::string& orderBy, std::int64_t& total);

    const StreamSpec& spec() const { return spec_; }

private:
    PageFetcher& fetcher_;
    const RecordMapper& mapper_;
    const PostgresWriter& writer_;
    const StreamSpec& spec_;
};

}  // namespace intouch
