#include "sync/StreamFailure.hpp"

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
    switch (code) {
        case ExitCode::Success:
            return 0;
        case ExitCode::CompletedWithRejects:
            return 1;
        case ExitCode::StreamsUnavailable:
            return 2;
        case ExitCode::Locked:
            return 3;
        case ExitCode::AuthError:
            return 4;
        case ExitCode::ConfigError:
            return 5;
        case ExitCode::SourceUnavailable:
            return 6;
        case ExitCode::TargetUnavailable:
            return 7;
        case ExitCode::Interrupted:
            return 8;
        case ExitCode::Internal:
            return 9;
    }
    return 9;
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
