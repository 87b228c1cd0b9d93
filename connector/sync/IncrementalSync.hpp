#pragma once
// An incremental stream read from the CRM into PostgreSQL: IncrementalReader (the
// algorithm, docs/incremental-sync.md) over the CRM's list (ListReader), its pages
// committed by the writer's pipeline (AsyncPageWriter), each with its checkpoint.

#include <string>

#include "sync/IncrementalReader.hpp"  // Checkpoint, StreamOutcome
#include "sync/ListReader.hpp"
#include "sync/StreamWiring.hpp"

namespace intouch {

class IncrementalSync {
  public:
    explicit IncrementalSync(const StreamWiring& w);

    StreamOutcome run(const Checkpoint& loaded);

  private:
    ListReader reader_;
    StreamTarget& writer_;
    std::string cursorField_;
    SyncOptions options_;
};

}  // namespace intouch
