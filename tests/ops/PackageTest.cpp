// The Debian package: built by cpack from this build tree, unpacked into a scratch root
// with dpkg-deb -x, and run from there with nothing but the packaged files -- its
// binary, its config (which names no mappings or migrations), its mappings and
// migrations -- against the simulator and a throwaway PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "OpsWorld.hpp"
#include "support/RecordHash.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

struct Package {
    ts::TempDirectory dir{"package"};
    std::string deb;
    fs::path root;
};

// cpack -G DEB with this build's CPackConfig.cmake, then dpkg-deb -x into dir/root.
void buildAndUnpack(Package& pkg) {
    auto cpack = ts::runToCompletion(
        "cpack", {"-G", "DEB", "--config", std::string(INTOUCH_BUILD_DIR) + "/CPackConfig.cmake",
                  "-B", (pkg.dir / "out").string()},
        {}, 600s);
    ASSERT_EQ(cpack.exitCode, 0) << describe(cpack);
    for (const auto& e : fs::directory_iterator(pkg.dir / "out"))
        if (e.path().extension() == ".deb") pkg.deb = e.path().string();
    ASSERT_FALSE(pkg.deb.empty()) << cpack.stdoutText;
    pkg.root = pkg.dir / "root";
    auto x = ts::runToCompletion("dpkg-deb", {"-x", pkg.deb, pkg.root.string()});
    ASSERT_EQ(x.exitCode, 0) << describe(x);
}

TEST(Package, DebianPackageInstallsIntoAScratchRootAndRunsFromThere) {
    Package pkg;
    ASSERT_NO_FATAL_FAILURE(buildAndUnpack(pkg));
    const fs::path& root = pkg.root;

    // The layout the README promises.
    for (const char* path :
         {"usr/bin/intouch-sync", "usr/share/intouch-sync/mappings/parties.yaml",
          "usr/share/intouch-sync/migrations/0001_sync_state.sql", "etc/intouch-sync/sync.yaml",
          "lib/systemd/system/intouch-sync.service", "lib/systemd/system/intouch-sync.timer",
          "usr/share/man/man1/intouch-sync.1.gz"})
        EXPECT_TRUE(fs::is_regular_file(root / path)) << path;
    for (const auto& e : fs::directory_iterator(sourceDir() + "/mappings"))
        EXPECT_TRUE(fs::exists(root / "usr/share/intouch-sync/mappings" / e.path().filename()))
            << e.path().filename();
    // The packaged service starts the packaged binary.
    EXPECT_TRUE(contains(ts::readFile((root / "lib/systemd/system/intouch-sync.service").string()),
                         "ExecStart=/usr/bin/intouch-sync sync "));

    // Library dependencies come from dpkg-shlibdeps; the config is a conffile.
    auto depends = ts::runToCompletion("dpkg-deb", {"-f", pkg.deb, "Depends"});
    ASSERT_EQ(depends.exitCode, 0) << describe(depends);
    // Every package holding a library the binary links directly (its NEEDED entries,
    // resolved by ldd), and the CA roots and zone data it reads at run time.
    const std::string binary = (root / "usr/bin/intouch-sync").string();
    auto needed = ts::runToCompletion(
        "sh", {"-c", "b='" + binary + "'; for so in $(readelf -d \"$b\" | "
                     "sed -n 's/.*Shared library: \\[\\(.*\\)\\]/\\1/p'); do "
                     "ldd \"$b\" | awk -v so=\"$so\" '$1 == so {print $3}'; done | "
                     "xargs -n1 readlink -f | while read -r f; do "
                     // merged /usr: dpkg may know a library by its /lib path
                     "dpkg -S \"$f\" 2>/dev/null || dpkg -S \"${f#/usr}\"; done | "
                     "cut -d: -f1 | sort -u"});
    ASSERT_EQ(needed.exitCode, 0) << describe(needed);
    std::istringstream neededPackages(needed.stdoutText);
    int libraries = 0;
    for (std::string pkg; neededPackages >> pkg; ++libraries)
        EXPECT_TRUE(std::regex_search(
            depends.stdoutText,
            std::regex("(^|, )" + std::regex_replace(pkg, std::regex(R"([+.])"), R"(\$&)") + "( |,|\n|$)")))
            << pkg << " not in Depends: " << depends.stdoutText;
    EXPECT_GE(libraries, 6) << needed.stdoutText;  // libpqxx, Poco, yaml-cpp, libssl, libstdc++, libc
    for (const char* pkg : {"libpqxx-6.4", "libpoconetssl80", "libyaml-cpp0.7", "ca-certificates", "tzdata"})
        EXPECT_TRUE(contains(depends.stdoutText, pkg)) << pkg << " not in " << depends.stdoutText;
    auto control = ts::runToCompletion("dpkg-deb", {"-e", pkg.deb, (pkg.dir / "DEBIAN").string()});
    ASSERT_EQ(control.exitCode, 0) << describe(control);
    EXPECT_EQ(ts::readFile((pkg.dir / "DEBIAN/conffiles").string()), "/etc/intouch-sync/sync.yaml\n");

    // The man page is the help text, every command's included.
    auto man = ts::runToCompletion(
        "sh", {"-c", "zcat '" + (root / "usr/share/man/man1/intouch-sync.1.gz").string() + "'"});
    ASSERT_EQ(man.exitCode, 0) << describe(man);
    EXPECT_TRUE(contains(man.stdoutText, ".TH INTOUCH-SYNC \"1\"")) << man.stdoutText.substr(0, 300);
    EXPECT_TRUE(contains(man.stdoutText, "another run holds the lock"));
    EXPECT_TRUE(contains(man.stdoutText, ".SS reconcile"));
    EXPECT_TRUE(contains(man.stdoutText, "\\-\\-hard\\-delete") ||
                contains(man.stdoutText, "--hard-delete"));

    auto version = ts::runToCompletion(binary, {"--version"});
    EXPECT_EQ(version.exitCode, 0) << describe(version);
    EXPECT_TRUE(std::regex_search(version.stdoutText,
                                  std::regex("^intouch-sync [0-9]+\\.[0-9]+\\.[0-9]+\ngit revision \\S+\n$")))
        << version.stdoutText;

    // The packaged config reads everything from the environment, as under systemd.
    OpsWorld w;
    const ts::Environment env = {{"INTOUCH_URL", w.sim().baseUrl()},
                                 {"INTOUCH_USERNAME", "api"},
                                 {"INTOUCH_PASSWORD", OpsWorld::kPassword},
                                 {"INTOUCH_PII_KEY", ts::kTestPiiKey},
                                 {"INTOUCH_TARGET_DSN", w.dsn()}};
    const std::string config = (root / "etc/intouch-sync/sync.yaml").string();
    auto migrate = ts::runToCompletion(binary, {"migrate", "--config", config}, env, 120s);
    ASSERT_EQ(migrate.exitCode, 0) << describe(migrate);
    long shipped = 0;
    for (const auto& e : fs::directory_iterator(sourceDir() + "/migrations"))
        shipped += e.path().extension() == ".sql";
    EXPECT_EQ(w.scalarLong("SELECT count(*) FROM intouch.schema_migrations"), shipped);
    // check: config, the packaged mappings, PostgreSQL, the CRM (every stream readable)
    // and the tables the packaged migrations made against the packaged mappings.
    auto check = ts::runToCompletion(binary, {"check", "--config", config}, env, 300s);
    EXPECT_EQ(check.exitCode, 0) << describe(check);
    EXPECT_TRUE(contains(check.stdoutText, (root / "usr/share/intouch-sync/mappings").string()))
        << check.stdoutText;
}

}  // namespace
}  // namespace intouch::opstest
