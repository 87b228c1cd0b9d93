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

private:
    ListReader reader_;
    StreamTarget& writer_;
    const StreamSpec& spec_;
    SyncOptions options_;
};

}  // namespace intouch
