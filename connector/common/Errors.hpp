#pragma once
// Typed errors. Code deep in the pipeline throws these with context; only the CLI
// turns them into an exit code and a one-line message.

#include <stdexcept>
#include <string>

namespace intouch {

// Process exit codes; documented in the README and in `--help`.
enum class ExitCode : int {
    Success = 0,
    Internal = 1,           // a bug or an unexpected failure
    ConfigError = 2,        // bad command line, config file or mapping
    CompletedWithRejects = 3,  // data committed, but some records went to the rejects table
    AuthError = 4,          // 401/403 from the CRM: check the API user and its rights
    SourceUnavailable = 5,  // CRM unreachable, in maintenance, or answering errors after retries
    TargetUnavailable = 6,  // PostgreSQL unreachable or failing
    Locked = 7,             // another run holds the lock of a stream
    Interrupted = 8,        // stopped by SIGTERM/SIGINT after committing what was done
    StreamsUnavailable = 9,  // the other streams synced; this CRM does not serve some (404)
};

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
    virtual ExitCode exitCode() const { return ExitCode::Internal; }
};

class ConfigError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::ConfigError; }
};

class AuthError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::AuthError; }
};

// 403: the credentials were accepted, but the user's roles do not cover one resource. The
// others may well be readable, so a sync goes on with them (AuthError stops it).
class ForbiddenError : public AuthError {
public:
    using AuthError::AuthError;
};

class SourceError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::SourceUnavailable; }
};

// The CRM as a whole is out of reach: the network fails, TLS fails, or it kept answering
// errors until the retries ran out. A sync stops here instead of trying the next stream
// against a sick server (a SourceError of any other kind fails one stream only).
class SourceUnavailableError : public SourceError {
public:
    using SourceError::SourceError;
};

// 404 Not Found. On a stream's first request it means this CRM does not serve the endpoint
// (an older or newer version): the stream fails alone, or the next endpoint name is tried.
// Elsewhere the caller decides whether "gone" is an error (a code list deleted between
// /api/lists and /api/lists/{id} is not).
class NotFoundError : public SourceError {
public:
    using SourceError::SourceError;
};

// A stream whose endpoint this CRM does not serve (404 before any answer): exit 9.
class StreamUnavailableError : public SourceError {
public:
    using SourceError::SourceError;
    ExitCode exitCode() const override { return ExitCode::StreamsUnavailable; }
};

// The end of a run that went on after some streams failed: the message names them all, the
// exit code is that of the most serious failure (docs/operations.md, "Exit codes").
class StreamsFailedError : public Error {
public:
    StreamsFailedError(ExitCode code, const std::string& what) : Error(what), code_(code) {}
    ExitCode exitCode() const override { return code_; }

private:
    ExitCode code_;
};

// The CRM answered 2xx, but the answers do not add up to a complete, consistent read of a
// list (no `total`, fewer distinct records than `total`, order broken within an answer,
// `position` ignored, one key with two contents). Nothing is deleted on such a read.
class InconsistentReadError : public SourceError {
public:
    using SourceError::SourceError;
};

class TargetError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::TargetUnavailable; }
};

class LockedError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::Locked; }
};

class InterruptedError : public Error {
public:
    using Error::Error;
    ExitCode exitCode() const override { return ExitCode::Interrupted; }
};

}  // namespace intouch
