#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "support/TempDirectory.hpp"

namespace fs = std::filesystem;
using intouch::testsupport::TempDirectory;

TEST(TempDirectory, CreatesUniqueDirectoryAndRemovesTreeOnDestruction) {
    fs::path kept;
    {
        TempDirectory a("probe");
        TempDirectory b("probe");
        ASSERT_TRUE(fs::is_directory(a.path()));
        EXPECT_NE(a.path(), b.path());
        EXPECT_EQ(a.path().filename().string().rfind("probe-", 0), 0u);
        fs::create_directories(a / "nested" / "deeper");
        std::ofstream(a / "nested" / "deeper" / "file.txt") << "x";
        kept = a.path();
    }
    EXPECT_FALSE(fs::exists(kept));
}

TEST(TempDirectory, MoveTransfersOwnership) {
    fs::path path;
    {
        TempDirectory outer("move");
        path = outer.path();
        TempDirectory inner(std::move(outer));
        EXPECT_TRUE(outer.path().empty());
        EXPECT_EQ(inner.path(), path);
        EXPECT_TRUE(fs::exists(path));
    }
    EXPECT_FALSE(fs::exists(path));
}

TEST(TempDirectory, KeepsTreeWhenAsked) {
    fs::path path;
    ::setenv("INTOUCH_KEEP_TEMP", "1", 1);
    {
        TempDirectory dir("keep");
        path = dir.path();
    }
    ::unsetenv("INTOUCH_KEEP_TEMP");
    EXPECT_TRUE(fs::exists(path));
    fs::remove_all(path);
}
