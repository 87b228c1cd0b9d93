#pragma once
// Streams without `modified` (members, lists) or without paging (files) are read
// whole every run and the table is made equal to what was read, in one
// transaction: readers see either the old or the new contents, never a mix. Only
// a complete, consistent read replaces anything; a record the mapping rejects
// keeps its previous row.

#include "sync/ListReader.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/StreamWiring.hpp"

namespace intouch {

struct WholeRead;

class FullReplaceSync {
public:
    explicit FullReplaceSync(const StreamWiring& w);
    StreamOutcome run();

private:
    // Reads the list to its end; throws InconsistentReadError unless the read is complete
    // and consistent (distinct keys = `total`, no key with two contents).
    WholeRead readWhole(ListReader& reader, StreamOutcome& outcome);
    void fetchMissingChildren(WholeRead& read);

    PageFetcher& fetcher_;
    StreamTarget& writer_;
    const RecordMapper& mapper_;
    const StreamSpec& spec_;
    SyncOptions options_;
};

}  // namespace intouch
