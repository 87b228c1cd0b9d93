#pragma once
// The column types a mapping may declare. Deliberately a closed list: each one
// has an exact, documented conversion from JSON (ValueConverter) and a fixed
// PostgreSQL spelling, so a mapping can never ask for a conversion nobody wrote.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intouch {

enum class ColumnKind {
    Text,
    Integer,
    BigInt,
    Numeric,
    Double,
    Boolean,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Jsonb,
    TextArray,
    BigIntArray
};

struct ColumnType {
    ColumnKind kind = ColumnKind::Text;
    int precision = -1;  // numeric(p,s) only; -1 = unconstrained numeric
    int scale = -1;

    // PostgreSQL spelling: "numeric(12,2)", "double precision", "text[]".
    std::string sql() const;
    // Spelling in a mapping file: "double" rather than "double precision".
    std::string name() const;

    friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

// Parses a mapping-file type ("bigint", "numeric(12,2)"); on failure returns
// nullopt and sets `error` to a sentence naming the problem and the fix.
std::optional<ColumnType> parseColumnType(std::string_view text, std::string& error);

// Every accepted type name, for "did you mean" hints and the documentation.
const std::vector<std::string>& columnTypeNames();

}  // namespace intouch
