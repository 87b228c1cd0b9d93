#pragma once
// Expected rows, computed by a test from the simulator's records, compared with what the
// connector wrote. The expected values are SQL expressions (literals, or a literal cast
// or shifted by PostgreSQL itself: date-times are parsed by PostgreSQL, never by code
// shared with the connector), loaded into a table of the same column types in schema
// `expect`, and compared column by column as PostgreSQL's text output, so a difference in
// scale (10.5 vs 10.50), JSON content or instant is a difference.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "E2eWorld.hpp"
#include "common/Json.hpp"

namespace intouch::e2e {

struct ColumnDef {
    std::string name;
    std::string type;  // as written in CREATE TABLE: "numeric(14,2)", "timestamptz", "text[]"
};

class ExpectedTable {
  public:
    // systemColumns: columns the connector adds after the expected ones ("synced_at",
    // "deleted_at"); checked for presence and order, synced_at NOT NULL, deleted_at NULL.
    ExpectedTable(std::string table, std::vector<ColumnDef> columns, std::vector<std::string> key,
                  std::vector<std::string> systemColumns = {});

    // One SQL expression per column, in column order.
    void addRow(std::vector<std::string> values);
    std::size_t rowCount() const { return rows_.size(); }
    // Off: skip the comparison of column order, types and NOT NULLs (values are still
    // compared by column name), for tables a user altered.
    void setCheckLayout(bool on) { checkLayout_ = on; }
    const std::string& table() const { return table_; }

    // Loads the rows into expect.<table> and compares with intouch.<table>: the column
    // layout (names, order, format_type), missing and unexpected rows, and every value.
    // Empty when they are equal; else a readable list (first differences only).
    std::vector<std::string> differences(const std::string& dsn) const;

  private:
    std::string table_;
    std::vector<ColumnDef> columns_;
    std::vector<std::string> key_;
    std::vector<std::string> systemColumns_;
    std::vector<std::vector<std::string>> rows_;
    bool checkLayout_ = true;
};

// "" when empty, else the list one per line (for assertion messages).
std::string joinLines(const std::vector<std::string>& lines);

// ---- SQL expressions for expected values --------------------------------------------------

// A standard SQL string literal (standard_conforming_strings is on: only ' is doubled).
std::string quote(std::string_view text);
// NULL for a missing value or JSON null; else a string's content, or a number's or
// boolean's JSON text, quoted.
std::string textOf(const json::Value* v);
// NULL, or the number's JSON text quoted and cast: numberOf(v, "numeric(14,2)").
std::string numberOf(const json::Value* v, const std::string& sqlType);
// NULL, true or false (a JSON boolean, or the numbers 0 and 1).
std::string boolOf(const json::Value* v);
// NULL, or the string quoted and cast to sqlType ("date", "time").
std::string stringAs(const json::Value* v, const std::string& sqlType);
// NULL (missing or JSON null), or the compact JSON quoted and cast to jsonb.
std::string jsonbOf(const json::Value* v);
// The instant of a date-time in the simulator's format, as PostgreSQL computes it:
// iso-offset '...'::timestamptz; iso-local '...'::timestamp AT TIME ZONE Europe/Prague;
// epoch-ms 'epoch' + N milliseconds.
std::string instantOf(const json::Value* v, DateFormat f);
// The CRM's wall clock for the same value (a `timestamp` column).
std::string wallClockOf(const json::Value* v, DateFormat f);
// md5 of the record's compact JSON (the record_hash column).
std::string md5Of(const json::Value& record);

// ---- JSON navigation, written for the tests (not the connector's JsonPath) ----------------

// Member of an object; nullptr when absent or v is not an object.
const json::Value* member(const json::Value* v, std::string_view key);
json::Value* memberMutable(json::Value& v, std::string_view key);
// Element of an array; nullptr when past the end or v is not an array.
const json::Value* element(const json::Value* v, std::size_t index);
// The first element of array v whose member `key` is the string `literal`.
const json::Value* firstWhere(const json::Value* v, std::string_view key, std::string_view literal);
// Mutable counterpart of firstWhere (the element itself).
json::Value* firstWhereMutable(json::Value* v, std::string_view key, std::string_view literal);
// Removes the named members of an object (absent ones are ignored).
void eraseMembers(json::Value& object, std::initializer_list<std::string_view> keys);
// `extra`-style: NULL when the object has no members left, else its jsonb.
std::string jsonbOrNullIfEmpty(const json::Value& object);
// The string of v, or "" when v is not a string.
std::string stringOr(const json::Value* v, const std::string& fallback = "");

// ---- Text transforms, written for the tests --------------------------------------------

// Removes ASCII white space, U+00A0 and U+3000 at both ends.
std::string trimmed(const std::string& s);
// Case mapping of ASCII, Latin-1 and Latin Extended-A, the letters the simulator writes
// (Czech, Slovak, German, Polish, Hungarian). Throws on Greek or Cyrillic and on the few
// Latin Extended-A letters without a one-to-one mapping, which this reference does not
// model: a test meeting them must be extended rather than silently compare nonsense.
std::string lowered(const std::string& s);
std::string uppered(const std::string& s);

}  // namespace intouch::e2e
