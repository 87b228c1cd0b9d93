// measure-exec: runs a command and records what it cost, from the kernel's own
// accounting (wait4's rusage) rather than from sampling, so that the benchmark
// needs no /usr/bin/time and measures exactly the one child process:
//
//   measure-exec RESULT_FILE -- COMMAND [ARGS...]
//
// RESULT_FILE gets one line "wall_s=... user_s=... sys_s=... maxrss_kb=... exit=..."
// (shell-sourceable). The child's stdout and stderr pass through untouched and
// measure-exec exits with the child's status, so it can stand in front of any command.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

int usage() {
    std::fprintf(stderr, "usage: measure-exec RESULT_FILE -- COMMAND [ARGS...]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) return usage();
    const char* resultFile = argv[1];
    std::vector<char*> args(argv + 3, argv + argc);
    args.push_back(nullptr);

    const auto t0 = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child < 0) {
        std::perror("measure-exec: fork");
        return 1;
    }
    if (child == 0) {
        execvp(args[0], args.data());
        std::fprintf(stderr, "measure-exec: cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    while (wait4(child, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            std::perror("measure-exec: wait4");
            return 1;
        }
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

    std::FILE* out = std::fopen(resultFile, "w");
    if (!out) {
        std::fprintf(stderr, "measure-exec: cannot write %s: %s\n", resultFile, std::strerror(errno));
        return 1;
    }
    // ru_maxrss is in kilobytes on Linux.
    std::fprintf(out, "wall_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld exit=%d\n", wall,
                 seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss, code);
    std::fclose(out);
    return code;
}
