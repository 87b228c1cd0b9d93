#pragma once
// sync_state in the SQLite file: state/StateStore's load/save/reset/all, written inside
// the caller's transaction (the writer's page transaction) like PostgreSQL's.

#include <string>
#include <vector>

#include "state/StateStore.hpp"

namespace intouch {

class SqliteDatabase;

namespace sqlite_state {
Checkpoint load(SqliteDatabase& db, const std::string& stream);
void save(SqliteDatabase& db, const std::string& stream, const Checkpoint& cp);
void reset(SqliteDatabase& db, const std::string& stream);
std::vector<StreamStateRow> all(SqliteDatabase& db);
}  // namespace sqlite_state

}  // namespace intouch
