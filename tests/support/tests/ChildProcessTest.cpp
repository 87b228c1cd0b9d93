#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <system_error>

#include "support/ChildProcess.hpp"
#include "support/TempDirectory.hpp"

using namespace intouch::testsupport;
using namespace std::chrono_literals;

namespace {

class ChildProcessTest : public ::testing::Test {
  protected:
    ChildProcess shell(const std::string& script, Environment env = {}) {
        return ChildProcess(ProcessSpec{.executable = "/bin/sh",
                                        .args = {"-c", script},
                                        .env = std::move(env),
                                        .outputDir = dir.path(),
                                        .name = "sh"});
    }
    TempDirectory dir{"child-test"};
};

}  // namespace

TEST_F(ChildProcessTest, CapturesStdoutStderrAndExitCode) {
    ChildProcess p = shell("echo out; echo err >&2; exit 3");
    EXPECT_GT(p.pid(), 0);
    EXPECT_EQ(p.wait(10s), 3);
    EXPECT_FALSE(p.isRunning());
    EXPECT_EQ(p.stdoutText(), "out\n");
    EXPECT_EQ(p.stderrText(), "err\n");
    EXPECT_EQ(p.stdoutPath().parent_path(), dir.path());
}

TEST_F(ChildProcessTest, AddsOverridesAndRemovesEnvironmentVariables) {
    ::setenv("INTOUCH_TEST_REMOVE_ME", "present", 1);
    ChildProcess p =
        shell("echo \"$INTOUCH_TEST_ADDED ${INTOUCH_TEST_REMOVE_ME-gone}\"",
              {{"INTOUCH_TEST_ADDED", "yes"}, {"INTOUCH_TEST_REMOVE_ME", std::nullopt}});
    ::unsetenv("INTOUCH_TEST_REMOVE_ME");
    ASSERT_EQ(p.wait(10s), 0);
    EXPECT_EQ(p.stdoutText(), "yes gone\n");
}

TEST_F(ChildProcessTest, WaitForLineFollowsGrowingOutputAndKeepsItsPlace) {
    ChildProcess p = shell("echo one; sleep 0.3; echo 'ready port=4242'; echo two; exec sleep 30");
    auto ready = p.waitForLine(std::regex(R"(port=(\d+))"), 10s);
    ASSERT_TRUE(ready.has_value());
    EXPECT_EQ(*ready, "ready port=4242");
    // Scanning resumes after the returned line, so earlier lines are not seen again.
    EXPECT_EQ(p.waitForLinePrefix("tw", 5s), "two");
    EXPECT_FALSE(p.waitForLinePrefix("one", 100ms).has_value());
    EXPECT_TRUE(p.isRunning());
    p.terminate();
    EXPECT_EQ(p.wait(10s), 128 + SIGTERM);
}

TEST_F(ChildProcessTest, WaitForLineTimesOutWhileChildIsSilent) {
    ChildProcess p = shell("exec sleep 30");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(p.waitForLine(std::regex("never"), 200ms).has_value());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    EXPECT_TRUE(p.isRunning());
}

TEST_F(ChildProcessTest, WaitForLineGivesUpAsSoonAsChildExits) {
    ChildProcess p = shell("echo not it; printf 'partial line without newline'");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(p.waitForLinePrefix("ready", 30s).has_value());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);

    ChildProcess q = shell("printf 'last words'");
    EXPECT_EQ(q.waitForLinePrefix("last", 10s), "last words");
}

TEST_F(ChildProcessTest, KillWorksWhenTermIsIgnored) {
    ChildProcess p = shell("trap '' TERM; echo armed; while :; do sleep 0.1; done");
    ASSERT_TRUE(p.waitForLinePrefix("armed", 10s).has_value());
    p.terminate();
    EXPECT_FALSE(p.wait(300ms).has_value());
    p.kill();
    EXPECT_EQ(p.wait(10s), 128 + SIGKILL);
}

TEST_F(ChildProcessTest, LargeOutputNeverBlocksTheChild) {
    ChildProcess p = shell(
        "head -c 5000000 /dev/zero | tr '\\000' x; echo; head -c 2000000 "
        "/dev/zero | tr '\\000' y >&2");
    ASSERT_EQ(p.wait(30s), 0);
    EXPECT_EQ(p.stdoutText().size(), 5000001u);
    EXPECT_EQ(p.stderrText().size(), 2000000u);
}

TEST_F(ChildProcessTest, SpawnFailureThrows) {
    EXPECT_THROW(ChildProcess(ProcessSpec{.executable = "/nonexistent/intouch-nothing",
                                          .outputDir = dir.path()}),
                 std::system_error);
}

TEST_F(ChildProcessTest, DestructorKillsAndReapsRunningChild) {
    pid_t pid = -1;
    {
        ChildProcess p = shell("exec sleep 30");
        pid = p.pid();
        ASSERT_TRUE(p.isRunning());
    }
    errno = 0;
    EXPECT_EQ(::kill(pid, 0), -1);
    EXPECT_EQ(errno, ESRCH) << "child still exists (not killed or not reaped)";
}

TEST_F(ChildProcessTest, MovedProcessKeepsOwnership) {
    ChildProcess a = shell("echo moved; exit 5");
    ChildProcess b(std::move(a));
    EXPECT_EQ(b.wait(10s), 5);
    EXPECT_EQ(b.stdoutText(), "moved\n");
}

TEST(RunToCompletion, ReturnsExitCodeAndOutput) {
    CompletedProcess r = runToCompletion("sh", {"-c", "echo hi; echo oops >&2; exit 7"});
    EXPECT_EQ(r.exitCode, 7);
    EXPECT_EQ(r.stdoutText, "hi\n");
    EXPECT_EQ(r.stderrText, "oops\n");
}

TEST(RunToCompletion, ThrowsWithOutputOnTimeout) {
    try {
        runToCompletion("sh", {"-c", "echo started; exec sleep 30"}, {}, 300ms);
        FAIL() << "expected a timeout";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("started"), std::string::npos) << e.what();
    }
}

TEST(TailLines, KeepsOnlyTheLastLines) {
    EXPECT_EQ(tailLines("a\nb\nc\n", 2), "b\nc\n");
    EXPECT_EQ(tailLines("a\nb\nc", 5), "a\nb\nc");
    EXPECT_EQ(tailLines("", 3), "");
}
