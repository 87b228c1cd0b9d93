#include "support/ChildProcess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "support/TempDirectory.hpp"

extern char** environ;

namespace intouch::testsupport {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Output file names must be unique within a directory even when one test starts the same
// program several times.
std::atomic<unsigned> outputCounter{0};

std::vector<std::string> buildEnvironment(const Environment& overrides) {
    std::map<std::string, std::string> merged;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string kv(*entry);
        auto eq = kv.find('=');
        if (eq == std::string::npos) continue;
        merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [key, value] : overrides) {
        if (value) {
            merged[key] = *value;
        } else {
            merged.erase(key);
        }
    }
    std::vector<std::string> result;
    result.reserve(merged.size());
    for (const auto& [key, value] : merged) result.push_back(key + "=" + value);
    return result;
}

int openOutput(const fs::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
    }
    return fd;
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// RAII for the posix_spawn helper structs so every error path frees them.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string tailLines(const std::string& text, std::size_t lines) {
    std::size_t pos = text.size();
    if (pos > 0 && text[pos - 1] == '\n') --pos;
    while (pos > 0 && lines > 0) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) return text;
        --lines;
    }
    return lines == 0 ? text.substr(pos + 1) : text;
}

ChildProcess::ChildProcess(ProcessSpec spec) {
    std::string name =
        spec.name.empty() ? fs::path(spec.executable).filename().string() : spec.name;
    const unsigned n = outputCounter.fetch_add(1);
    stdoutPath_ = spec.outputDir / (name + "-" + std::to_string(n) + ".stdout");
    stderrPath_ = spec.outputDir / (name + "-" + std::to_string(n) + ".stderr");

    FdCloser out{openOutput(stdoutPath_)};
    FdCloser err{openOutput(stderrPath_)};

    SpawnSetup setup;
    // A test must never hang because the child waits on the terminal.
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err.fd, STDERR_FILENO);
    if (spec.workingDir) {
        posix_spawn_file_actions_addchdir_np(&setup.actions, spec.workingDir->c_str());
    }
    // GoogleTest or the caller may have blocked or ignored signals (SIGPIPE, SIGTERM); the
    // child must see the defaults or terminate() would silently do nothing.
    sigset_t none;
    sigemptyset(&none);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &all);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argvStrings;
    argvStrings.push_back(spec.executable);
    argvStrings.insert(argvStrings.end(), spec.args.begin(), spec.args.end());
    std::vector<char*> argv;
    for (auto& a : argvStrings) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> envStrings = buildEnvironment(spec.env);
    std::vector<char*> envp;
    for (auto& e : envStrings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    // glibc's posix_spawn reports exec failures (ENOENT, EACCES) as its return value.
    int rc = ::posix_spawnp(&pid, spec.executable.c_str(), &setup.actions, &setup.attr, argv.data(),
                            envp.data());
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), "spawn " + spec.executable);
    }
    pid_ = pid;
}

ChildProcess::~ChildProcess() {
    release();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_),
      exitCode_(other.exitCode_),
      stdoutPath_(std::move(other.stdoutPath_)),
      stderrPath_(std::move(other.stderrPath_)),
      stdoutReadFd_(other.stdoutReadFd_),
      pending_(std::move(other.pending_)) {
    other.pid_ = -1;
    other.stdoutReadFd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        release();
        pid_ = other.pid_;
        exitCode_ = other.exitCode_;
        stdoutPath_ = std::move(other.stdoutPath_);
        stderrPath_ = std::move(other.stderrPath_);
        stdoutReadFd_ = other.stdoutReadFd_;
        pending_ = std::move(other.pending_);
        other.pid_ = -1;
        other.stdoutReadFd_ = -1;
    }
    return *this;
}

void ChildProcess::release() noexcept {
    if (pid_ > 0 && !reap(false)) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
    pid_ = -1;
    if (stdoutReadFd_ >= 0) {
        ::close(stdoutReadFd_);
        stdoutReadFd_ = -1;
    }
}

bool ChildProcess::reap(bool block) {
    if (exitCode_) return true;
    if (pid_ <= 0) return true;
    int status = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return false;
    // r < 0 means somebody else reaped it (e.g. SIGCHLD set to SIG_IGN); its status is lost.
    exitCode_ = r == pid_ ? decodeStatus(status) : -1;
    return true;
}

bool ChildProcess::isRunning() {
    return !reap(false);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    while (!reap(false)) {
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    return exitCode_;
}

void ChildProcess::signal(int sig) {
    // Only signal an unreaped pid: once reaped, the number may belong to someone else.
    if (pid_ > 0 && !reap(false)) ::kill(pid_, sig);
}

void ChildProcess::terminate() {
    signal(SIGTERM);
}
void ChildProcess::kill() {
    signal(SIGKILL);
}

std::string ChildProcess::stdoutText() const {
    return readFile(stdoutPath_);
}
std::string ChildProcess::stderrText() const {
    return readFile(stderrPath_);
}

bool ChildProcess::readMoreStdout() {
    if (stdoutReadFd_ < 0) {
        stdoutReadFd_ = ::open(stdoutPath_.c_str(), O_RDONLY | O_CLOEXEC);
        if (stdoutReadFd_ < 0) return false;
    }
    bool any = false;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(stdoutReadFd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending_.append(buffer, static_cast<std::size_t>(n));
        any = true;
    }
    return any;
}

std::optional<std::string> ChildProcess::takeLine(bool includePartial) {
    auto nl = pending_.find('\n');
    if (nl == std::string::npos) {
        if (!includePartial || pending_.empty()) return std::nullopt;
        std::string line = std::move(pending_);
        pending_.clear();
        return line;
    }
    std::string line = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::optional<std::string> ChildProcess::waitForMatch(
    const std::function<bool(const std::string&)>& matches, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        // Check exit before reading so output written just before exiting is not missed.
        const bool exited = !isRunning();
        readMoreStdout();
        while (auto line = takeLine(exited)) {
            if (matches(*line)) return line;
        }
        if (exited || Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::optional<std::string> ChildProcess::waitForLine(const std::regex& pattern,
                                                     std::chrono::milliseconds timeout) {
    return waitForMatch([&](const std::string& line) { return std::regex_search(line, pattern); },
                        timeout);
}

std::optional<std::string> ChildProcess::waitForLinePrefix(const std::string& prefix,
                                                           std::chrono::milliseconds timeout) {
    return waitForMatch([&](const std::string& line) { return line.rfind(prefix, 0) == 0; },
                        timeout);
}

CompletedProcess runToCompletion(const std::string& executable,
                                 const std::vector<std::string>& args, const Environment& env,
                                 std::chrono::milliseconds timeout) {
    TempDirectory outputDir("intouch-run");
    ChildProcess process(ProcessSpec{
        .executable = executable, .args = args, .env = env, .outputDir = outputDir.path()});
    auto code = process.wait(timeout);
    if (!code) {
        process.kill();
        process.wait(std::chrono::seconds(5));
        throw std::runtime_error("'" + executable + "' did not finish within " +
                                 std::to_string(timeout.count()) + " ms\n--- stdout ---\n" +
                                 tailLines(process.stdoutText(), 30) + "\n--- stderr ---\n" +
                                 tailLines(process.stderrText(), 30));
    }
    return CompletedProcess{*code, process.stdoutText(), process.stderrText()};
}

}  // namespace intouch::testsupport
