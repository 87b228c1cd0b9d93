#pragma once
// Planner statistics for a stream's tables after they were filled whole (a first sync that
// COPYed straight in, a full refresh's swap): the next run's statements are planned for
// the rows now there instead of for the empty tables autovacuum has not looked at yet.

#include <pqxx/pqxx>
#include <string>

#include "mapping/MappingSpec.hpp"

namespace intouch {

// ANALYZEs the stream's table, its child tables and, with history, their version tables.
// A failure only logs a warning naming `after` (every page is committed; autovacuum will
// gather the statistics later).
void analyzeStreamTables(pqxx::connection_base& conn, const std::string& schema,
                         const StreamSpec& spec, const std::string& after);

}  // namespace intouch
