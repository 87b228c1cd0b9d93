#pragma once
// DDL for a stream's tables, derived from its mapping so that the table layout
// the writer relies on (docs/mapping-language.md, "Tables") has one source.

#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"

namespace intouch {

// CREATE TABLE IF NOT EXISTS for the parent and its child tables. Names are
// unqualified: migrations run with search_path set to the target schema.
std::string createTablesSql(const StreamSpec& spec);

// The whole of migrations/0002_stream_tables.sql for these streams (in the
// order given): a header saying it is generated, then createTablesSql of each.
std::string streamTablesMigration(const std::vector<StreamSpec>& streams);

// For a stream with `history: true`: <table>_history and <child>_history (the table's
// columns, record_hash, valid_from, valid_to, a history_id; at most one open version per
// key), and the functions <table>_as_of(timestamptz) / <child>_as_of(timestamptz) that
// return the versions valid at an instant. "" for a stream without history.
std::string historyTablesSql(const StreamSpec& spec);

// A generated migration holding historyTablesSql of these streams.
std::string historyTablesMigration(const std::vector<StreamSpec>& streams);

}  // namespace intouch
