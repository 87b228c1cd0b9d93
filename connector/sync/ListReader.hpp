#pragma once
// The CRM's list of one stream as a ListSource: pages fetched (PageFetcher), their
// records mapped (RecordMapper), every answer checked against what the connector
// requires of the server (PageChecks).

#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "source/PageFetcher.hpp"
#include "sync/ListItem.hpp"
#include "sync/ListSource.hpp"
#include "sync/PageChecks.hpp"

namespace intouch {

class ListReader : public ListSource {
public:
    ListReader(PageFetcher& fetcher, const RecordMapper& mapper, const StreamSpec& spec);

    const std::string& stream() const override { return spec_.name; }
    // Throws InterruptedError when a stop was requested, InconsistentReadError when the
    // answer breaks a rule of PageChecks.
    ListPage read(std::int64_t position, int size, const std::string& orderBy) override;
    // The same for any request of this stream's endpoint (full replace: plain arrays
    // accepted, paging parameters optional).
    ListPage read(PageRequest request);

    const StreamSpec& spec() const { return spec_; }

private:
    PageFetcher& fetcher_;
    const RecordMapper& mapper_;
    const StreamSpec& spec_;
    PageChecks checks_;
};

}  // namespace intouch
