#pragma once
// Mapped values arrive as PostgreSQL text input forms (mapping/MappedRecord.hpp); the
// SQLite target stores each as the type its column declares (sink/SqliteSchema.hpp):
//  * integer, bigint: INTEGER; boolean: INTEGER 1/0;
//  * double: REAL (the shortest text reads back to the same double); NaN and the
//    infinities, which SQLite's REAL cannot hold, stay TEXT ("NaN", "Infinity");
//  * numeric: TEXT, the exact decimal as mapped (a REAL would round it);
//  * date "YYYY-MM-DD", time "HH:MM:SS[.ffffff]": TEXT as is;
//  * timestamp: "YYYY-MM-DDTHH:MM:SS.ffffff"; timestamptz: the same in UTC with a "Z".
//    Always six fraction digits: fixed width makes text order time order ("...30Z" would
//    sort after "...30.5Z"); SQLite's date functions read the form;
//  * jsonb: the JSON text; text[] / bigint[]: a JSON array (usable with json_each()).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "sink/SqliteDatabase.hpp"

namespace intouch {

SqliteValue sqliteValue(const std::optional<std::string>& pgText, const ColumnType& type);

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" of a UTC instant.
std::string sqliteUtcText(std::int64_t utcMicros);
// The instant of a stored "…Z" stamp; throws TargetError for another text.
std::int64_t parseSqliteUtc(const std::string& text);
// "{"a","b",NULL}" / "{1,2}" (PostgreSQL array input) as a JSON array.
std::string pgArrayToJson(const std::string& text);

// The column types of MappedRecord::values (mapped columns, extra, raw) and of a child row
// (parent key columns, idx, mapped columns, extra).
std::vector<ColumnType> valueColumnTypes(const StreamSpec& spec);
std::vector<ColumnType> childColumnTypes(const StreamSpec& spec, std::size_t child);

}  // namespace intouch
