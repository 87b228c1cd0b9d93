#include <csignal>
#include <unistd.h>

#include "cli/Commands.hpp"
#include "common/StopSignal.hpp"

namespace {
// First signal: finish or roll back the page in flight and exit cleanly.
// Second signal: leave now; every page is one transaction, so that is safe too.
void onSignal(int) {
    intouch::requestStop();
    if (intouch::stopRequestCount() > 1) _exit(static_cast<int>(intouch::ExitCode::Interrupted));
}
}  // namespace

int main(int argc, char** argv) {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return intouch::runCli(argc, argv);
}
