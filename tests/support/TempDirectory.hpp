#pragma once
// A private scratch directory per test fixture. Tests that start servers need somewhere no
// other test (or a parallel ctest job) can collide with, and that disappears afterwards so
// repeated runs do not fill /tmp.

#include <filesystem>
#include <string>

namespace intouch::testsupport {

class TempDirectory {
  public:
    // Creates <base>/<prefix>-XXXXXX with mkdtemp; base defaults to $TMPDIR, else /tmp.
    explicit TempDirectory(const std::string& prefix = "intouch-test",
                           const std::filesystem::path& base = {});
    // Removes the tree recursively, unless INTOUCH_KEEP_TEMP=1 (then prints where it is so a
    // failed run can be inspected).
    ~TempDirectory();

    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;
    TempDirectory(TempDirectory&& other) noexcept;
    TempDirectory& operator=(TempDirectory&& other) noexcept;

    const std::filesystem::path& path() const { return path_; }
    // Convenience for path() / name.
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

    // $TMPDIR if set and non-empty, else /tmp.
    static std::filesystem::path defaultBase();

  private:
    void removeNow() noexcept;

    std::filesystem::path path_;
};

}  // namespace intouch::testsupport
