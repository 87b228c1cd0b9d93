#pragma once
// `sync --full-refresh` reads a stream from the start into shadow copies of its
// tables and swaps them in with one transaction at the end, so a dashboard
// reading the table sees the old contents until the new copy is complete, then
// the new one: never a half table. The shadow has its own checkpoint, so an
// interrupted refresh resumes where it stopped on the next --full-refresh.

#include <pqxx/pqxx>
#include <string>

#include "mapping/MappingSpec.hpp"

namespace intouch {

class ShadowTables {
public:
    // The same stream, writing into "<table>__refresh" (and child tables
    // likewise), with checkpoints and rejects kept under "<stream>:full-refresh".
    static StreamSpec shadowSpec(const StreamSpec& spec);
    // Creates the shadow tables unless a previous refresh left them (then it resumes).
    static void prepare(pqxx::connection_base& conn, const std::string& schema, const StreamSpec& spec);
    // One transaction: the target tables get exactly the shadow's rows (views,
    // grants and indexes on them stay), the shadow's checkpoint and rejects
    // become the stream's, and the shadow tables are dropped.
    static void swapIn(pqxx::connection_base& conn, const std::string& schema, const StreamSpec& spec);
};

}  // namespace intouch
