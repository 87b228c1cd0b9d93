#pragma once
// The continuation rule of a sync (docs/operations.md, "When a stream fails"): an error of one
// stream (403, 404, a 400, an inconsistent answer, a mapping or SQL error of its table, its
// lock held by another run) fails that stream alone and the run goes on with the others;
// only an error that means the CRM or the database as a whole is gone, or that the user asked
// to stop, ends the run. The exit code is then that of the most serious failure.

#include <exception>
#include <string>

#include "common/Errors.hpp"
#include "state/RunOutcome.hpp"

namespace intouch {

// 401, an unreachable CRM (network, TLS, retries exhausted), maintenance, a lost PostgreSQL
// connection, a stop request.
bool endsTheRun(const std::exception_ptr& error);

// The exit code an error gives (as the CLI maps it).
ExitCode exitCodeOfError(const std::exception_ptr& error);

// Higher = more serious: 1 internal > 6 PostgreSQL > 5 CRM > 2 config/mapping > 4 rights >
// 7 locked > 9 not served > 3 rejects > 0.
int severity(ExitCode code);

// How a stream (or a run) that ended with this exit code is recorded in sync_stream_runs /
// sync_runs: success, partial, failed, interrupted, locked, unavailable.
RunOutcome outcomeOfExitCode(ExitCode code);

}  // namespace intouch
