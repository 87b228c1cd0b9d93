#pragma once
// Compares what the mappings say the tables look like with what PostgreSQL has,
// so that a mapping edited without a migration is caught by `check` instead of
// by a failed COPY at 3 a.m., and `plan` can print the SQL that closes the gap.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

struct DriftItem {
    enum class Kind {
        MissingTable,
        MissingColumn,
        TypeMismatch,
        ExtraColumn,
        // The table says NOT NULL, the mapping lets the column be NULL (e.g. `required`
        // was dropped): every record without a value fails the page.
        UnexpectedNotNull,
        // The table allows NULL, the mapping says NOT NULL (`required: true` added, or a
        // required column re-added by plan): writes work, the constraint is just missing.
        MissingNotNull,
        // Personal data the mapping now hides but the table still holds: a column that is
        // `pii: exclude` (its values are still there), or a `pii: hash` column with values
        // that are not hashes (stored before the setting). Writes work; the data is exposed.
        ExcludedColumnStored,
        ClearPersonalData,
    };
    Kind kind;
    std::string table;
    std::string column;
    std::string expectedType;  // as format_type() spells it
    std::string actualType;
    bool expectedNotNull = false;  // MissingColumn: the mapping wants NOT NULL
    // MissingNotNull: rows holding NULL in the column when drift was looked for; SET NOT
    // NULL fails (and rolls the whole migration back) while any exist.
    long long nullRows = 0;
    // ClearPersonalData: rows whose value is not an HMAC's 64 hex digits.
    long long clearRows = 0;
    std::string stream{};  // ClearPersonalData: whose checkpoint plan resets
    std::string describe() const;
    // Whether the writer fails on it (an extra nullable column or a missing NOT NULL is harmless).
    bool breaksWrites() const {
        return kind != Kind::ExtraColumn && kind != Kind::MissingNotNull && !exposesPersonalData();
    }
    bool exposesPersonalData() const {
        return kind == Kind::ExcludedColumnStored || kind == Kind::ClearPersonalData;
    }
};

// Every difference between the stream's tables and its mapping.
std::vector<DriftItem> findSchemaDrift(pqxx::transaction_base& tx, const std::string& schema,
                                       const StreamSpec& spec);

// SQL that makes the database match: CREATE TABLE for missing tables, ADD
// COLUMN, ALTER COLUMN TYPE ... USING, DROP NOT NULL, SET NOT NULL (commented
// out while rows hold NULL, so that the rest of the repair still applies);
// extra columns are left alone (they may be the user's own) and only mentioned
// in a comment; personal data the mapping hides is removed (DROP COLUMN for `pii: exclude`,
// clear values of a `pii: hash` column set to NULL and the stream's checkpoint reset, so
// that the next sync stores every hash). Unqualified names, for a
// file in migrations/ (which runs with search_path set to the target schema).
std::string planMigrationSql(const StreamSpec& spec, const std::vector<DriftItem>& drift);

// format_type() spelling of a mapping type ("timestamptz" -> "timestamp with time zone").
std::string canonicalSqlType(const std::string& mappingSql);

}  // namespace intouch
