#pragma once
// A stream's mapping, as loaded and validated from its YAML file
// (docs/mapping-language.md). Everything downstream -- the mapper, the writer,
// the DDL -- reads column names and order from here.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/Json.hpp"
#include "mapping/ColumnType.hpp"
#include "mapping/JsonPath.hpp"
#include "mapping/Transform.hpp"
#include "mapping/VersionRange.hpp"

namespace intouch {

enum class SyncMode { Incremental, FullReplace };
enum class Paging { Paged, Unpaged, PlainArray };

const char* syncModeName(SyncMode mode);  // as written in mapping files
const char* pagingName(Paging paging);

// What a mapping declares personal (`pii:` on a column; docs/mapping-language.md, "Personal
// data"). Exclude: never stored anywhere, so the column does not exist in the table. Hash:
// stored as the hex HMAC-SHA-256 of the value under the config's pii.key.
enum class Pii { None, Exclude, Hash };

const char* piiName(Pii pii);  // as written in mapping files ("none" for None)

struct ColumnSpec {
    std::string name;
    std::string sourcePath;  // as written
    ColumnType type;
    bool required = false;

    JsonPath path;
    std::vector<TransformKind> transforms;        // applied in order
    std::map<std::string, json::Value> valueMap;  // `map:`, applied after transforms
    bool mapStrict = false;                       // an unmapped value is an error
    std::optional<json::Value> defaultValue;      // when missing or null after the above
    Pii pii = Pii::None;

    std::string description;  // `description:`, the column's COMMENT ("" = none)
    // `decode:`: the id of the code list (lists stream) its codes come from; "" = not coded.
    std::string decode;
    // The value is a set of codes (`code_set: true` on text: comma-separated; arrays always).
    bool codeSet = false;
    std::string decodeAt;  // FILE:LINE:COL of `decode:`, for problems found across files

    // The label column the current view puts after it: <name>_label, or <name>_labels for a
    // code set; "" when not decoded.
    std::string labelColumn() const;
};

struct ChildSpec {
    std::string table;
    std::string description;  // the table's COMMENT
    std::string sourcePath;  // to the array, from the parent record
    std::vector<ColumnSpec> columns;
    std::string extraColumn = "extra";  // "" = off
    JsonPath path;
    std::vector<ColumnSpec> excludedColumns;  // `pii: exclude`: read, never stored
};

// One name the CRM serves a stream under (`endpoints:`), with the versions that serve it and
// the columns whose source differs there (notes: `note` under /api/notes, `comment` under
// /api/comments).
struct EndpointAlternative {
    std::string name;
    VersionRange versions;
    std::vector<std::pair<std::string, std::string>> sources;  // column name -> source path
};

struct StreamSpec {
    std::string name, endpoint, table, file;
    std::string description;  // the table's COMMENT
    std::vector<std::string> primaryKey;  // column names, in order
    std::string cursorColumn;             // "" for full_replace
    SyncMode mode = SyncMode::Incremental;
    Paging paging = Paging::Paged;
    std::vector<std::pair<std::string, std::string>> params;
    std::string extraColumn = "extra";  // "" = off
    std::string rawColumn;              // "raw" when keep_raw, else ""
    // `history: true`: every version of a record is kept in <table>_history (and each child
    // table's in <child>_history), see sink/HistoryWriter.hpp.
    bool history = false;
    std::vector<ColumnSpec> columns;
    std::vector<ChildSpec> children;
    std::string ambiguousTime = "earlier";  // or "later"
    // The CRM versions that serve the stream at all (`since:` / `until:`): on others it is
    // skipped with a warning, not failed.
    VersionRange versions;
    // Other names of the endpoint, in the order to try (`endpoints:`); empty when the file
    // names one `endpoint:` (then `endpoint` is the first name; a sync reads atEndpoint()).
    std::vector<EndpointAlternative> endpoints;
    // Personal data (mapping/PersonalData.hpp applies it): `pii: exclude` columns are not in
    // `columns`, since they have no table column; `extra_exclude:` / `extra_hash:` name fields
    // that would otherwise reach `extra`.
    std::vector<ColumnSpec> excludedColumns;
    std::vector<JsonPath> extraExclude, extraHash;
    // The HMAC key of `pii: hash` and `extra_hash:` (config pii.key), set by the CLI after
    // loading the config; a secret.
    std::string piiKey;
    bool hashesPersonalData() const;  // any `pii: hash` column (record or child) or extra_hash

    // Parent row as MappedRecord::values orders it: mapped columns, extra, raw.
    std::vector<std::string> valueColumns() const;
    // Child row as MappedRecord::children[i] orders it: parent_<pk...>, idx,
    // mapped columns, extra.
    std::vector<std::string> childValueColumns(std::size_t child) const;
    std::vector<std::string> childParentKeyColumns() const;  // "parent_" + each key column

    const ColumnSpec* findColumn(const std::string& name) const;  // nullptr when not mapped
    // The stream as read from one of its `endpoints:`: that name, those column sources.
    StreamSpec atEndpoint(const EndpointAlternative& alternative) const;
};

// Names the table layout reserves (docs/mapping-language.md, "Tables").
inline constexpr const char* kSystemColumns[] = {"record_hash", "synced_at", "deleted_at"};
inline constexpr const char* kChildIndexColumn = "idx";
inline constexpr const char* kParentKeyPrefix = "parent_";
// The version table of a table with `history: true`, and its columns beyond the table's own.
inline std::string historyTable(const std::string& table) {
    return table + "_history";
}
inline constexpr const char* kValidFromColumn = "valid_from";
inline constexpr const char* kValidToColumn = "valid_to";
inline constexpr const char* kHistoryIdColumn = "history_id";

}  // namespace intouch
