#pragma once
// An incremental stream read from the CRM into PostgreSQL: IncrementalReader (the
// algorithm, docs/incremental-sync.md) over the CRM's list (ListReader), its pages
// committed by the writer's pipeline (AsyncPageWriter), each with its checkpoint.

#include <string>

#include "sink/PostgresWriter.hpp"
#include "sync/IncrementalReader.hpp"  // Checkpoint, StreamOutcome, SyncOptions
#include "sync/ListReader.hpp"  // PageFetcher, RecordMapper, StreamSpec

namespace intouch {

class IncrementalSync {
  public:
    IncrementalSync(PageFetcher& fetcher, PostgresWriter& writer, const RecordMapper& mapper,
                    const StreamSpec& spec, const SyncOptions& options);

    StreamOutcome run(const Checkpoint& loaded);

  private:
    ListReader reader_;
    PostgresWriter& writer_;
    std::string cursorField_;
    SyncOptions options_;
};

}  // namespace intouch
