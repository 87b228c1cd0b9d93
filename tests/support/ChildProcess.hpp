#pragma once
// Runs a program under test (the CLI, the simulator, pg_ctl...) as a real child process.
// Output goes to files rather than pipes so a chatty child can never block on a full pipe
// while the test is busy elsewhere, and so the files remain for post-mortem reading.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace intouch::testsupport {

// Variables to add or override in the child's environment (which otherwise is the test
// process's own). A std::nullopt value removes the variable from the child's environment.
using Environment = std::map<std::string, std::optional<std::string>>;

struct ProcessSpec {
    // A path, or a bare name looked up on PATH.
    std::string executable{};
    std::vector<std::string> args{};  // without argv[0]
    Environment env{};
    // Where <name>-<n>.stdout / .stderr are written; must exist.
    std::filesystem::path outputDir{};
    // File name stem for the output files; defaults to the executable's file name.
    std::string name{};
    // Working directory of the child; defaults to the test's own.
    std::optional<std::filesystem::path> workingDir{};
};

class ChildProcess {
  public:
    // Starts the process immediately; throws std::system_error if it cannot be spawned
    // (e.g. the executable does not exist).
    explicit ChildProcess(ProcessSpec spec);
    // SIGKILLs and reaps the child if it is still running, so a failing test never leaks it.
    ~ChildProcess();

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;

    pid_t pid() const { return pid_; }
    bool isRunning();

    // Waits for the next stdout line (after any line a previous waitForLine call returned)
    // that matches (std::regex_search, so the pattern need not cover the whole line; the prefix
    // form needs the line to start with it). Lines are consumed as they are scanned. Returns it
    // without the trailing newline, or nullopt on timeout or when the child exited without printing
    // such a line.
    std::optional<std::string> waitForLine(const std::regex& pattern,
                                           std::chrono::milliseconds timeout);
    std::optional<std::string> waitForLinePrefix(const std::string& prefix,
                                                 std::chrono::milliseconds timeout);

    // Waits for exit. Returns the exit status, or 128+N when killed by signal N (the shell's
    // convention, so SIGKILL gives 137); nullopt if still running after the timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // The exit status once known (same convention as wait()).
    std::optional<int> exitCode() const { return exitCode_; }

    void terminate();  // SIGTERM, does not wait
    void kill();       // SIGKILL, does not wait

    const std::filesystem::path& stdoutPath() const { return stdoutPath_; }
    const std::filesystem::path& stderrPath() const { return stderrPath_; }
    std::string stdoutText() const;
    std::string stderrText() const;

  private:
    void signal(int sig);
    bool reap(bool block);
    void release() noexcept;
    // Appends any newly written stdout bytes to pending_; returns true if some were read.
    bool readMoreStdout();
    std::optional<std::string> takeLine(bool includePartial);
    std::optional<std::string> waitForMatch(const std::function<bool(const std::string&)>& matches,
                                            std::chrono::milliseconds timeout);

    pid_t pid_ = -1;
    std::optional<int> exitCode_;
    std::filesystem::path stdoutPath_;
    std::filesystem::path stderrPath_;
    int stdoutReadFd_ = -1;
    std::string pending_;
};

struct CompletedProcess {
    int exitCode;  // same convention as ChildProcess::wait()
    std::string stdoutText;
    std::string stderrText;
};

// Runs exe to completion, capturing its output. Throws std::runtime_error (with the output
// so far) if it has not finished within the timeout; the child is killed in that case.
CompletedProcess runToCompletion(const std::string& executable,
                                 const std::vector<std::string>& args, const Environment& env = {},
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Reads a whole file; empty string when it does not exist.
std::string readFile(const std::filesystem::path& path);
// The last `lines` lines of text, for error messages that quote a log.
std::string tailLines(const std::string& text, std::size_t lines);

}  // namespace intouch::testsupport
