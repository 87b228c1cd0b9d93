#pragma once
// One PostgreSQL server per test executable: initdb costs about a second, far too much per
// test, while a fresh database per test is cheap and gives the same isolation.

#include <gtest/gtest.h>

#include <string>

#include "support/PostgresInstance.hpp"

namespace intouch::testsupport {

struct TestDatabase {
    std::string name;
    std::string dsn;  // libpq keyword/value string for this database
    std::string uri;  // the same as a postgresql:// URI
};

class SharedPostgres {
  public:
    // The executable's server, started on first use (thread-safe). If starting fails, every
    // later call rethrows the same error at once instead of retrying for each test.
    static PostgresInstance& instance();

    // Creates a new, empty database named after the running GoogleTest test (plus a counter,
    // so it is unique even when one test asks twice). `hint` replaces the test name.
    static TestDatabase freshDatabase(const std::string& hint = "");

    // Stops the server and removes its files; later instance() calls start a new one. Runs
    // automatically at process exit, or from PostgresEnvironment::TearDown.
    static void shutdown();
};

// Optional: ::testing::AddGlobalTestEnvironment(new PostgresEnvironment) in main() stops the
// server before GoogleTest prints its summary instead of during static destruction.
class PostgresEnvironment : public ::testing::Environment {
  public:
    void TearDown() override { SharedPostgres::shutdown(); }
};

}  // namespace intouch::testsupport
