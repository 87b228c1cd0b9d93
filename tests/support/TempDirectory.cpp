#include "support/TempDirectory.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace intouch::testsupport {

namespace fs = std::filesystem;

namespace {

bool keepRequested() {
    const char* keep = std::getenv("INTOUCH_KEEP_TEMP");
    return keep != nullptr && std::string(keep) == "1";
}

}  // namespace

fs::path TempDirectory::defaultBase() {
    const char* tmp = std::getenv("TMPDIR");
    if (tmp != nullptr && *tmp != '\0') return tmp;
    return "/tmp";
}

TempDirectory::TempDirectory(const std::string& prefix, const fs::path& base) {
    const fs::path root = base.empty() ? defaultBase() : base;
    std::string pattern = (root / (prefix + "-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp(" + pattern + ") failed");
    }
    path_ = buffer.data();
}

TempDirectory::~TempDirectory() {
    removeNow();
}

TempDirectory::TempDirectory(TempDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
}

TempDirectory& TempDirectory::operator=(TempDirectory&& other) noexcept {
    if (this != &other) {
        removeNow();
        path_ = std::move(other.path_);
        other.path_.clear();
    }
    return *this;
}

void TempDirectory::removeNow() noexcept {
    if (path_.empty()) return;
    if (keepRequested()) {
        std::cerr << "[intouch-test] INTOUCH_KEEP_TEMP=1: keeping " << path_.string() << "\n";
    } else {
        // Never throw from cleanup: a failed removal must not mask the test's own failure.
        std::error_code ec;
        fs::remove_all(path_, ec);
        if (ec) {
            std::cerr << "[intouch-test] could not remove " << path_.string() << ": "
                      << ec.message() << "\n";
        }
    }
    path_.clear();
}

}  // namespace intouch::testsupport
