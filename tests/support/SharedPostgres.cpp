#include "support/SharedPostgres.hpp"

#include <atomic>
#include <cctype>
#include <exception>
#include <memory>
#include <mutex>

namespace intouch::testsupport {

namespace {

struct State {
    std::mutex mutex;
    std::unique_ptr<PostgresInstance> server;
    std::exception_ptr startError;
    std::atomic<unsigned> counter{0};
};

// Function-local static: destroyed at normal exit, which stops the server even when the
// test binary never calls shutdown().
State& state() {
    static State s;
    return s;
}

std::string currentTestName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (info == nullptr) return "db";
    return std::string(info->test_suite_name()) + "_" + info->name();
}

// PostgreSQL folds unquoted names to lower case and truncates at 63 bytes; keeping names
// short, lower case and [a-z0-9_] lets tests and tools use them unquoted.
std::string sanitize(const std::string& raw) {
    std::string out;
    for (unsigned char c : raw) {
        if (out.size() >= 40) break;
        out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    }
    return out;
}

}  // namespace

PostgresInstance& SharedPostgres::instance() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (s.startError) std::rethrow_exception(s.startError);
    if (!s.server) {
        try {
            s.server = std::make_unique<PostgresInstance>();
        } catch (...) {
            s.startError = std::current_exception();
            throw;
        }
    }
    return *s.server;
}

TestDatabase SharedPostgres::freshDatabase(const std::string& hint) {
    PostgresInstance& server = instance();
    const unsigned n = state().counter.fetch_add(1);
    const std::string name =
        "t_" + sanitize(hint.empty() ? currentTestName() : hint) + "_" + std::to_string(n);
    return TestDatabase{name, server.createDatabase(name), server.uri(name)};
}

void SharedPostgres::shutdown() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.server.reset();
    s.startError = nullptr;
}

}  // namespace intouch::testsupport
