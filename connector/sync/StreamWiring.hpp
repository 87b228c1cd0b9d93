#pragma once
// What syncing one stream is wired to: the CRM's pages, the writer, the stream's mapping and
// the run's options. SyncJob builds it per stream; the incremental sync, the full replace
// and the reconcile each take one.

#include "mapping/MappingSpec.hpp"
#include "mapping/RecordMapper.hpp"
#include "sink/StreamTarget.hpp"
#include "source/PageFetcher.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

struct StreamWiring {
    PageFetcher& fetcher;
    StreamTarget& writer;
    const RecordMapper& mapper;
    const StreamSpec& spec;
    const SyncOptions& options;
};

}  // namespace intouch
