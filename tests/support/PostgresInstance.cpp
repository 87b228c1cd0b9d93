#include "support/PostgresInstance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "support/ChildProcess.hpp"
#include "support/PgQuery.hpp"

namespace intouch::testsupport {

namespace fs = std::filesystem;

namespace {

bool hasServerTools(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "initdb", ec) && fs::exists(dir / "pg_ctl", ec);
}

// A unix socket path may be at most 107 bytes; a long $TMPDIR would make the server fail to
// start with an obscure error, so fall back to /tmp in that case.
fs::path chooseTempBase() {
    fs::path base = TempDirectory::defaultBase();
    return base.string().size() > 60 ? fs::path("/tmp") : base;
}

std::string runuserPath() {
    for (const char* candidate : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
        if (::access(candidate, X_OK) == 0) return candidate;
    }
    return "runuser";
}

// The server refuses to run as root, so when the tests run as root (as CI does) the server
// runs as the account the Debian postgresql package creates, else as nobody.
std::string unprivilegedUser() {
    return ::getpwnam("postgres") != nullptr ? "postgres" : "nobody";
}

void chownTo(const fs::path& path, const std::string& user) {
    const passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr) throw std::runtime_error("no such OS user: " + user);
    if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::system_error(errno, std::generic_category(), "chown " + path.string());
    }
}

// The unprivileged server user must be able to reach its data directory; a $TMPDIR under a
// 0700 home would block it. Only the search bit is added, never read access.
void makeAncestorsTraversable(const fs::path& dir) {
    for (fs::path p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
            std::cerr << "[intouch-test] adding o+x to " << p.string()
                      << " so the PostgreSQL user can reach its data directory\n";
            ::chmod(p.c_str(), (st.st_mode & 07777) | S_IXOTH);
        }
        if (p == p.root_path()) break;
    }
}

// libpq keyword/value strings need quoting for values with spaces, quotes or backslashes.
std::string dsnValue(const std::string& value) {
    const bool plain = !value.empty() && value.find_first_of(" '\\\t\n") == std::string::npos;
    if (plain) return value;
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

std::string percentEncode(const std::string& value) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// Arguments of pg_ctl -o go through /bin/sh, so each must be shell-quoted.
std::string shellQuote(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::string quoteIdentifier(const std::string& name) {
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace

int pickFreeTcpPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), "bind 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

fs::path PostgresInstance::findBinDir() {
    if (const char* env = std::getenv("INTOUCH_PG_BINDIR"); env != nullptr && *env != '\0') {
        if (hasServerTools(env)) return env;
        throw std::runtime_error(std::string("INTOUCH_PG_BINDIR=") + env +
                                 " does not contain initdb and pg_ctl");
    }
    try {
        CompletedProcess r =
            runToCompletion("pg_config", {"--bindir"}, {}, std::chrono::seconds(10));
        std::string dir = r.stdoutText;
        while (!dir.empty() && std::isspace(static_cast<unsigned char>(dir.back()))) {
            dir.pop_back();
        }
        // Debian's pg_config (from libpq-dev) may point at /usr/bin, which has no initdb.
        if (r.exitCode == 0 && hasServerTools(dir)) return dir;
    } catch (const std::exception&) {
        // pg_config not installed: fall through to the Debian layout.
    }
    fs::path best;
    int bestVersion = -1;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const std::string name = entry.path().filename().string();
        char* end = nullptr;
        const long version = std::strtol(name.c_str(), &end, 10);
        if (end == name.c_str() || *end != '\0') continue;
        if (version > bestVersion && hasServerTools(entry.path() / "bin")) {
            bestVersion = static_cast<int>(version);
            best = entry.path() / "bin";
        }
    }
    if (best.empty()) {
        throw std::runtime_error(
            "no PostgreSQL server binaries (initdb, pg_ctl) found: run deploy/install-deps.sh "
            "or set INTOUCH_PG_BINDIR");
    }
    return best;
}

PostgresInstance::PostgresInstance(PostgresOptions options)
    : binDir_(options.binDir.empty() ? findBinDir() : options.binDir),
      osUser_(::geteuid() == 0 ? unprivilegedUser() : std::string()),
      root_("intouch-pg", chooseTempBase()),
      dataDir_(root_ / "data"),
      socketDir_(root_ / "sock"),
      logFile_(root_ / "server.log") {
    fs::create_directory(socketDir_);
    if (!osUser_.empty()) {
        chownTo(root_.path(), osUser_);
        chownTo(socketDir_, osUser_);
        makeAncestorsTraversable(root_.path());
    }

    std::string output;
    int rc = runTool("initdb",
                     {"-D", dataDir_.string(), "-A", "trust", "-U", superuser(), "--no-sync", "-E",
                      "UTF8", "--locale=C"},
                     &output);
    if (rc != 0) {
        throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + ")" +
                                 (osUser_.empty() ? "" : " running as OS user " + osUser_) + ":\n" +
                                 tailLines(output, 40));
    }

    // Nothing here needs durability, and these settings cut start-up and DDL time; the socket
    // lives only in our private directory, so the port can never collide with another server.
    port_ = pickFreeTcpPort();
    std::string serverOptions = "-c listen_addresses='' -k " + shellQuote(socketDir_.string()) +
                                " -p " + std::to_string(port_) +
                                " -c fsync=off -c synchronous_commit=off"
                                " -c full_page_writes=off -c max_connections=50";
    for (const auto& setting : options.settings) serverOptions += " -c " + shellQuote(setting);
    serverOptions_ = serverOptions;
    startTimeout_ = options.startTimeout;

    rc = runTool("pg_ctl",
                 {"-w", "-t", std::to_string(options.startTimeout.count()), "-D", dataDir_.string(),
                  "-l", logFile_.string(), "-o", serverOptions, "start"},
                 &output);
    if (rc != 0) {
        running_ = true;  // it may be half up: make stop() try
        stop();
        throw std::runtime_error("PostgreSQL failed to start (pg_ctl exit " + std::to_string(rc) +
                                 "):\n" + tailLines(output, 20) + "\n--- server log (" +
                                 logFile_.string() + ", kept only with INTOUCH_KEEP_TEMP=1) ---\n" +
                                 logTail());
    }
    running_ = true;
}

PostgresInstance::~PostgresInstance() {
    stop();
}

void PostgresInstance::restart() {
    stop();
    std::string output;
    const int rc = runTool("pg_ctl",
                           {"-w", "-t", std::to_string(startTimeout_.count()), "-D", dataDir_.string(),
                            "-l", logFile_.string(), "-o", serverOptions_, "start"},
                           &output);
    running_ = true;
    if (rc != 0)
        throw std::runtime_error("PostgreSQL failed to restart (pg_ctl exit " + std::to_string(rc) +
                                 "): " + output + "\n" + logTail());
}

void PostgresInstance::stop() noexcept {
    if (!running_) return;
    running_ = false;
    // No pid file: the server never came up or is already gone, so there is nothing to stop.
    std::error_code ec;
    if (!fs::exists(dataDir_ / "postmaster.pid", ec)) return;
    try {
        std::string output;
        int rc =
            runTool("pg_ctl", {"-D", dataDir_.string(), "-m", "immediate", "-w", "stop"}, &output);
        if (rc == 0) return;
        std::cerr << "[intouch-test] pg_ctl stop failed (exit " << rc << "): " << output << "\n";
    } catch (const std::exception& e) {
        std::cerr << "[intouch-test] pg_ctl stop failed: " << e.what() << "\n";
    }
    // Last resort, so no server outlives the test run: the first line of postmaster.pid is
    // the postmaster's pid.
    std::string pidFile = readFile(dataDir_ / "postmaster.pid");
    const long pid = std::strtol(pidFile.c_str(), nullptr, 10);
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
}

int PostgresInstance::runTool(const std::string& tool, const std::vector<std::string>& args,
                              std::string* output) {
    ProcessSpec spec;
    const std::string toolPath = (binDir_ / tool).string();
    if (osUser_.empty()) {
        spec.executable = toolPath;
        spec.args = args;
    } else {
        spec.executable = runuserPath();
        spec.args = {"-u", osUser_, "--", toolPath};
        spec.args.insert(spec.args.end(), args.begin(), args.end());
    }
    spec.name = tool;
    spec.outputDir = root_.path();
    // The server user may not be able to enter the test's working directory (e.g. /root).
    spec.workingDir = root_.path();
    // Variables like PGDATA or PGPORT from a developer's shell must not redirect the tools.
    for (const char* var : {"PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGOPTIONS", "PGDATABASE"}) {
        spec.env[var] = std::nullopt;
    }

    ChildProcess process(std::move(spec));
    auto rc = process.wait(std::chrono::seconds(120));
    if (!rc) {
        process.kill();
        process.wait(std::chrono::seconds(5));
        throw std::runtime_error(tool + " did not finish within 120 s");
    }
    if (output != nullptr) *output = process.stdoutText() + process.stderrText();
    return *rc;
}

std::string PostgresInstance::dsn(const std::string& dbname) const {
    return "host=" + dsnValue(socketDir_.string()) + " port=" + std::to_string(port_) +
           " user=" + superuser() + " dbname=" + dsnValue(dbname);
}

std::string PostgresInstance::uri(const std::string& dbname) const {
    return "postgresql://" + superuser() + "@/" + percentEncode(dbname) +
           "?host=" + percentEncode(socketDir_.string()) + "&port=" + std::to_string(port_);
}

std::string PostgresInstance::createDatabase(const std::string& name) {
    pg::exec(dsn(), "CREATE DATABASE " + quoteIdentifier(name));
    return dsn(name);
}

void PostgresInstance::dropDatabase(const std::string& name) {
    pg::exec(dsn(), "DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
}

std::string PostgresInstance::logTail(std::size_t lines) const {
    return tailLines(readFile(logFile_), lines);
}

}  // namespace intouch::testsupport
