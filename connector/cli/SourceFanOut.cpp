#include "cli/SourceFanOut.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "sync/StreamFailure.hpp"

namespace intouch {

namespace {

struct SourceRun {
    std::string output;
    ExitCode code = ExitCode::Internal;
    double seconds = 0;
};

// The command line as given, without the source selection (each child gets its one).
std::vector<std::string> childArgs(const CommandLine& cl, const std::string& source) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < cl.args.size(); ++i) {
        const std::string& a = cl.args[i];
        if (a == "--source" || a == "--parallel") {
            ++i;  // and its value
            continue;
        }
        if (a.rfind("--source=", 0) == 0 || a.rfind("--parallel=", 0) == 0) continue;
        out.push_back(a);
    }
    out.push_back("--source");
    out.push_back(source);
    return out;
}

ExitCode exitCodeOf(int status) {
    if (status < 0 || status > static_cast<int>(ExitCode::StreamsUnavailable))
        return ExitCode::Internal;  // killed by a signal, or not one of ours
    return static_cast<ExitCode>(status);
}

// The children running now. A stop request (SIGTERM/SIGINT) to this process is passed on
// to each of them once: where only the parent gets the signal (a container's PID 1), the
// children still commit what they have and exit 8.
class RunningChildren {
  public:
    void add(pid_t pid) {
        std::lock_guard lock(mutex_);
        pids_.insert(pid);
    }
    void remove(pid_t pid) {
        std::lock_guard lock(mutex_);
        pids_.erase(pid);
    }
    void forwardStop() {
        if (!stopRequested()) return;
        std::lock_guard lock(mutex_);
        for (pid_t pid : pids_)
            if (signalled_.insert(pid).second) ::kill(pid, SIGTERM);
    }

  private:
    std::mutex mutex_;
    std::set<pid_t> pids_, signalled_;
};

SourceRun runChild(const std::string& self, const std::vector<std::string>& args,
                   RunningChildren& running) {
    SourceRun run;
    const auto start = std::chrono::steady_clock::now();
    try {
        Poco::Pipe out;
        // stderr is inherited: log lines (each carrying source=NAME) appear as they come.
        Poco::ProcessHandle child = Poco::Process::launch(self, args, nullptr, &out, nullptr);
        running.add(child.id());
        Poco::PipeInputStream in(out);
        Poco::StreamCopier::copyToString(in, run.output);
        run.code = exitCodeOf(child.wait());
        running.remove(child.id());
    } catch (const std::exception& e) {
        run.output = std::string("cannot start ") + self + ": " + e.what() + "\n";
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

}  // namespace

ExitCode worseExitCode(ExitCode a, ExitCode b) {
    return severity(b) > severity(a) ? b : a;
}

ExitCode runForEachSource(const CommandLine& cl, const std::vector<std::string>& sources) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<SourceRun> runs(sources.size());
    std::atomic<std::size_t> next{0};
    std::mutex printing;
    RunningChildren running;
    auto worker = [&] {
        for (std::size_t i = next++; i < sources.size(); i = next++) {
            if (stopRequested()) {  // nothing new after a stop request
                runs[i].code = ExitCode::Interrupted;
                runs[i].output = "not started: stop requested\n";
                continue;
            }
            log::info("source started", {{"source", sources[i]}});
            runs[i] = runChild(self, childArgs(cl, sources[i]), running);
            std::lock_guard lock(printing);
            std::printf("== source %s: exit %d ==\n%s", sources[i].c_str(),
                        static_cast<int>(runs[i].code), runs[i].output.c_str());
            std::fflush(stdout);
        }
    };
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(cl.parallel), sources.size());
    std::vector<std::thread> threads;
    std::atomic<std::size_t> finished{0};
    for (std::size_t w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            worker();
            ++finished;
        });
    while (finished < workers) {
        running.forwardStop();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& t : threads) t.join();

    ExitCode worst = ExitCode::Success;
    std::printf("%-24s %5s %9s\n", "source", "exit", "seconds");
    for (std::size_t i = 0; i < sources.size(); ++i) {
        std::printf("%-24s %5d %9.2f\n", sources[i].c_str(), static_cast<int>(runs[i].code),
                    runs[i].seconds);
        worst = worseExitCode(worst, runs[i].code);
    }
    return worst;
}

}  // namespace intouch
