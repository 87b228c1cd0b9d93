#pragma once
// Finds records deleted in the CRM. The API has no deletion feed and no deleted
// flag: records just vanish from the lists. A walk of the whole list in id order
// (IdOrderScan) sees every record that exists throughout it; rows of the table
// whose ids it did not see are gone. The walk also upserts what it reads, so a
// record that reappears is undeleted and anything missed is repaired.

#include <cstdint>
#include <optional>

#include "sync/ListReader.hpp"
#include "sync/StreamOutcome.hpp"
#include "sync/StreamWiring.hpp"

namespace intouch {

class Reconciler {
public:
    explicit Reconciler(const StreamWiring& w);
    StreamOutcome run(bool hardDelete);

    // After an incremental run that read to the end of the list and saw every
    // insert, the table can only hold more live rows than the API's `total` if
    // something was deleted: an almost free test for "reconcile needed".
    static bool deletionsLikely(std::int64_t liveRows, std::int64_t apiTotal) {
        return liveRows > apiTotal;
    }

private:
    ListReader reader_;
    StreamTarget& writer_;
    const StreamSpec& spec_;
    SyncOptions options_;
};

}  // namespace intouch
