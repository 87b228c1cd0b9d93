#include "sync/PageChecks.hpp"

#include "common/Errors.hpp"
#include "common/Json.hpp"

namespace intouch {

namespace {
std::string where(const PageRequest& request) { return "GET " + requestUrl(request); }
}  // namespace

void PageChecks::check(const PageRequest& request, const Page& page,
                       const std::vector<ListItem>& items) {
    const auto n = static_cast<std::int64_t>(items.size());
    if (page.envelope && !page.total)
        throw InconsistentReadError(
            "stream " + stream_ + ": " + where(request) +
            " answered a page without 'total'; without it the end of the list cannot be told "
            "from a short page, so the stream is not read (nothing was deleted)");
    if (request.sendPaging && page.envelope && page.echoedPosition &&
        *page.echoedPosition != request.position)
        throw InconsistentReadError("stream " + stream_ + ": " + where(request) +
                                    " answered position " + std::to_string(*page.echoedPosition) +
                                    " instead of " + std::to_string(request.position) +
                                    ": the server ignores 'position', so the list cannot be "
                                    "paged (nothing was deleted)");
    // The same records again further on: the server ignores `position` without saying so.
    // Only a step forward proves it: deletions and edits slide a list back, so the same
    // records legitimately come back at a smaller position (a reader re-finding its place).
    // One record proves nothing either.
    std::vector<std::string> keys;
    keys.reserve(items.size());
    for (const auto& i : items) keys.push_back(i.key);
    if (request.sendPaging && n >= 2 && lastPosition_ && request.position > *lastPosition_ &&
        keys == lastKeys_)
        throw InconsistentReadError(
            "stream " + stream_ + ": " + where(request) + " returned the same " +
            std::to_string(n) + " records as position " + std::to_string(*lastPosition_) +
            ": the server ignores 'position', so the list cannot be paged (nothing was deleted)");
    if (n >= 2) {
        lastPosition_ = request.position;
        lastKeys_ = std::move(keys);
    }
    // Order within one answer (one answer is a consistent snapshot, so this holds
    // whatever others do meanwhile).
    const bool byId = request.orderBy == "id";
    const bool byCursor = !request.orderBy.empty() && request.orderBy == cursorField_;
    if (!byId && !byCursor) return;
    if (request.desc) return;  // the readers never ask for descending order
    const ListItem* previous = nullptr;
    for (const auto& item : items) {
        const auto& value = byId ? item.numericId : item.cursor;
        if (!value) continue;  // no place in the order; rejected or counted as new elsewhere
        if (previous) {
            const auto& before = byId ? previous->numericId : previous->cursor;
            if (*value < *before)
                throw InconsistentReadError(
                    "stream " + stream_ + ": " + where(request) + " is not sorted by '" +
                    request.orderBy + "': record " + item.key + " comes after " + previous->key +
                    " although its " + request.orderBy + " is smaller (the server ignores "
                    "orderBy?); the stream is not read further and nothing is marked deleted");
        }
        previous = &item;
    }
}

bool PageChecks::reachesEnd(std::int64_t position, std::int64_t served,
                            std::optional<std::int64_t> total) {
    if (served == 0) return true;
    return total && position + served >= *total;
}

void PageChecks::requireOverlapStep(const std::string& stream, std::int64_t served,
                                    std::int64_t position) {
    if (served >= 2) return;
    throw InconsistentReadError(
        "stream " + stream + ": the server answered " + std::to_string(served) +
        " record(s) at position " + std::to_string(position) +
        " although the list goes on; reading with an overlap needs at least 2 records per "
        "answer (does the server cap 'size' at 1?)");
}

}  // namespace intouch
