#pragma once
// One record turned into rows: what the writer COPYs, in the column orders
// StreamSpec::valueColumns() and childValueColumns() give; or, when the mapping
// cannot do that, the reject that stands for it (nothing is silently dropped).

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

// A record the mapping could not turn into rows; stored in sync_rejects.
struct RejectedRecord {
    std::string key;  // keyText(), or "" when the key is unreadable
    std::string rawJson;
    std::string error;
};

// The text that names a record in rejects and logs: "id=123", "org=1,member=2" (the key
// columns in primary key order, each value as PostgreSQL's key::text prints it). The
// writer's SQL builds the same text from a row (sync_rejects.record_key must match it).
std::string keyText(const std::vector<std::string>& keyColumns,
                    const std::vector<std::string>& keyValues);

}  // namespace intouch
