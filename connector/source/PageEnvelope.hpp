#pragma once
// The list answer: {"total":360,"position":60,"size":20,"orderBy":"modified","desc":false,"items":[...]}.
// The docs leave open whether every list carries `total` and whether `size` can be
// lower than asked, so both are optional here and callers never rely on `size`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.hpp"

namespace intouch {

struct Page {
    std::optional<std::int64_t> total;
    std::int64_t position = 0;
    // `position` as the server echoed it (nullopt when absent): a server that ignores the
    // parameter gives itself away by echoing another one.
    std::optional<std::int64_t> echoedPosition;
    // False for a plain JSON array: the whole list in one answer, total = its length.
    bool envelope = true;
    std::vector<json::Value> items;
    // The body the items were parsed from: lets the mapper hash a record's bytes
    // as received instead of re-serializing it (json::Value::canonicalText).
    std::string text;
    std::optional<std::int64_t> serverDateMicros;  // when the server built this answer
};

// Throws SourceError naming `what` when the body is not a page envelope.
Page parsePageEnvelope(json::Value body, const std::string& what);

}  // namespace intouch
