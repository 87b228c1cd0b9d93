// Dates, times and date-times from the CRM: any text either parses into the
// supported range and formats back to a text that parses to the same instant,
// or is refused with TimestampError. Nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/TimestampParser.hpp"

using namespace intouch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        ParsedDateTime dt = parseDateTime(text);
        if (dt.wallMicros < minSupportedMicros() || dt.wallMicros > maxSupportedMicros())
            std::abort();
        if (dt.offsetSeconds && (*dt.offsetSeconds <= -86400 || *dt.offsetSeconds >= 86400))
            std::abort();
        const std::string formatted = formatDateTime(dt.wallMicros);
        if (parseDateTime(formatted).wallMicros != dt.wallMicros) std::abort();
    } catch (const TimestampError&) {
    }
    try {
        const std::int64_t days = parseDate(text);
        if (parseDate(formatDate(days)) != days) std::abort();
    } catch (const TimestampError&) {
    }
    try {
        const std::int64_t micros = parseTimeOfDay(text);
        if (micros < 0 || micros >= kMicrosPerDay) std::abort();
        if (parseTimeOfDay(formatTimeOfDay(micros)) != micros) std::abort();
    } catch (const TimestampError&) {
    }
    return 0;
}
