#pragma once
// One record turned into rows: what the writer COPYs, in the column orders
// StreamSpec::valueColumns() and childValueColumns() give.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace intouch {

// PostgreSQL text input forms, one per column; nullopt = NULL.
using MappedRow = std::vector<std::optional<std::string>>;

struct MappedRecord {
    // Per StreamSpec::valueColumns(): mapped columns, extra, raw.
    MappedRow values;
    // Per ChildSpec: one row per array element, per childValueColumns()
    // (parent key values and idx included).
    std::vector<std::vector<MappedRow>> children;
    // Primary key values as text, in primaryKey order (equal to key::text in PostgreSQL).
    std::vector<std::string> keyValues;
    // The cursor column as UTC microseconds; nullopt when null or the stream has none.
    std::optional<std::int64_t> cursorMicros;
    // MD5 hex of the record's JSON as received: sees content changes when `modified` did not move.
    std::string hash;
    // U+0000 replaced by U+FFFD, counted once per value written.
    int replacedNulChars = 0;
};

}  // namespace intouch
