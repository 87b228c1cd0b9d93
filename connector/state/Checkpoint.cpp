#include "state/Checkpoint.hpp"

#include <stdexcept>

#include "common/TimestampParser.hpp"

namespace intouch {

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
