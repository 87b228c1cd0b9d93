#include "sync/StreamFailure.hpp"

#include <algorithm>
#include <iterator>
#include <pqxx/pqxx>

namespace intouch {

bool endsTheRun(const std::exception_ptr& error) {
    if (!error) return false;
    try {
        std::rethrow_exception(error);
    } catch (const InterruptedError&) {
        return true;
    } catch (const ForbiddenError&) {
        return false;  // the roles exclude one resource; the others may be readable
    } catch (const AuthError&) {
        return true;  // 401: no other request would be accepted either
    } catch (const SourceUnavailableError&) {
        return true;
    } catch (const TargetError&) {
        return true;
    } catch (const pqxx::broken_connection&) {
        return true;
    } catch (...) {
        return false;
    }
}

ExitCode exitCodeOfError(const std::exception_ptr& error) {
    if (!error) return ExitCode::Success;
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        return e.exitCode();
    } catch (const pqxx::broken_connection&) {
        return ExitCode::TargetUnavailable;
    } catch (const pqxx::sql_error&) {
        return ExitCode::TargetUnavailable;
    } catch (...) {
        return ExitCode::Internal;
    }
}

int severity(ExitCode code) {
    // Least to most serious: a run exits with the most serious code of its streams.
    static constexpr ExitCode kLeastFirst[] = {
        ExitCode::Success,           ExitCode::CompletedWithRejects, ExitCode::StreamsUnavailable,
        ExitCode::Locked,            ExitCode::AuthError,            ExitCode::ConfigError,
        ExitCode::SourceUnavailable, ExitCode::TargetUnavailable,    ExitCode::Interrupted,
        ExitCode::Internal};
    const auto* at = std::find(std::begin(kLeastFirst), std::end(kLeastFirst), code);
    return static_cast<int>(at - std::begin(kLeastFirst));
}

RunOutcome outcomeOfExitCode(ExitCode code) {
    switch (code) {
        case ExitCode::Success:
            return RunOutcome::Success;
        case ExitCode::CompletedWithRejects:
            return RunOutcome::Partial;
        case ExitCode::Interrupted:
            return RunOutcome::Interrupted;
        case ExitCode::Locked:
            return RunOutcome::Locked;
        case ExitCode::StreamsUnavailable:
            return RunOutcome::Unavailable;
        default:
            return RunOutcome::Failed;
    }
}

}  // namespace intouch
