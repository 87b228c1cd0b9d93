#pragma once
// Streams without `modified` (members, lists) or without paging (files) are read
// whole every run and the table is made equal to what was read, in one
// transaction: readers see either the old or the new contents, never a mix.

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "sink/PostgresWriter.hpp"
#include "source/PageFetcher.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

class FullReplaceSync {
public:
    FullReplaceSync(PageFetcher& fetcher, PostgresWriter& writer, const RecordMapper& mapper,
                    const StreamSpec& spec, const SyncOptions& options);
    StreamOutcome run();

private:
    PageFetcher& fetcher_;
    PostgresWriter& writer_;
    const RecordMapper& mapper_;
    const StreamSpec& spec_;
    SyncOptions options_;
};

}  // namespace intouch
