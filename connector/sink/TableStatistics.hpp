#pragma once
// Planner statistics for a stream's tables after they were filled whole (a first sync that
// COPYed straight in, a full refresh's swap): the next run's statements are planned for
// the rows now there instead of for the empty tables autovacuum has not looked at yet.

#include <pqxx/pqxx>
#include <string>

#include "mapping/MappingSpec.hpp"

namespace intouch {

// ANALYZEs the stream's table, its child tables and, with history, their version tables,
// on the columns the connector's statements find rows by (keys, parent keys, the open
// version's `valid_to`) and from a tenth of the default sample: that is what its plans
// need, and the sample is most of an ANALYZE's cost, which is on the first sync's critical
// path. A column-list ANALYZE leaves the table's count of changed rows as it was
// (PostgreSQL resets it only when every column is analysed), so autovacuum still gathers
// every column's statistics for users' queries soon after, off that path.
// A failure only logs a warning naming `after` (every page is committed; autovacuum will
// gather the statistics later).
void analyzeStreamTables(pqxx::connection_base& conn, const std::string& schema,
                         const StreamSpec& spec, const std::string& after);

}  // namespace intouch
