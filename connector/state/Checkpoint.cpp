#include "state/Checkpoint.hpp"

#include <algorithm>
#include <stdexcept>

#include "common/TimestampParser.hpp"

namespace intouch {

Checkpoint Checkpoint::openAt(std::int64_t modified, std::set<std::string> keys) {
    Checkpoint cp;
    cp.modifiedMicros = modified;
    cp.tieKeys = std::move(keys);
    cp.tieComplete = false;
    return cp;
}

Checkpoint Checkpoint::completeAt(std::int64_t modified) {
    Checkpoint cp;
    cp.modifiedMicros = modified;
    cp.tieComplete = true;
    return cp;
}

bool Checkpoint::covers(std::optional<std::int64_t> modified, const std::string& key) const {
    if (empty() || !modified) return false;
    if (*modified != *modifiedMicros) return *modified < *modifiedMicros;
    return tieComplete || tieKeys.count(key) > 0;
}

bool Checkpoint::coversGroup(std::int64_t modified) const {
    if (empty()) return false;
    return modified < *modifiedMicros || (modified == *modifiedMicros && tieComplete);
}

Checkpoint laterCheckpoint(const Checkpoint& a, const Checkpoint& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    if (*a.modifiedMicros != *b.modifiedMicros)
        return *a.modifiedMicros > *b.modifiedMicros ? a : b;
    Checkpoint out = a;
    out.tieComplete = a.tieComplete || b.tieComplete;
    if (out.tieComplete)
        out.tieKeys.clear();
    else
        out.tieKeys.insert(b.tieKeys.begin(), b.tieKeys.end());
    out.position = std::max(a.position, b.position);
    out.total = b.total >= 0 ? b.total : a.total;
    return out;
}

std::string formatUtcMicros(std::int64_t micros) {
    return formatUtcTimestamp(micros);
}

std::int64_t parseUtcTimestamp(const std::string& text) {
    try {
        return parseInstant(text);
    } catch (const TimestampError& e) {
        throw std::runtime_error("unexpected timestamp from PostgreSQL: " + text + " (" + e.what() + ")");
    }
}

}  // namespace intouch
