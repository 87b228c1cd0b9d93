#pragma once
// Reading what the connector wrote, whichever target the world's config names: the SQL is
// written for PostgreSQL's `intouch` schema; on the SQLite target the `intouch.` prefix is
// dropped and the statement runs on the file through the sqlite3 C library (read-only,
// beside a running sync: WAL lets it). Keep the SQL to what both dialects read alike, or
// use textOf/trueOf for the differences.

#include <optional>
#include <string>
#include <vector>

#include "SyncFixture.hpp"

namespace intouch::itest {

using TargetRow = std::vector<std::optional<std::string>>;

std::vector<TargetRow> targetRows(const SyncWorld& world, const std::string& sql);
// Runs a statement that changes the target (a test's sabotage), in its own transaction.
void targetExec(const SyncWorld& world, const std::string& sql);
long long targetCount(const SyncWorld& world, const std::string& sqlFromWhere);
// `expr` as text: "expr::text" on PostgreSQL, "CAST(expr AS TEXT)" on SQLite.
std::string textOf(const SyncWorld& world, const std::string& expr);
// How a true boolean reads back as text: "t" on PostgreSQL, "1" on SQLite.
std::string trueText(const SyncWorld& world);

}  // namespace intouch::itest
