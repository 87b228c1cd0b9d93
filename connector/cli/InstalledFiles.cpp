#include "cli/InstalledFiles.hpp"

#include <filesystem>
#include <system_error>

namespace intouch {

namespace fs = std::filesystem;

std::string installedDataDir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return {};
    return (exe.parent_path().parent_path() / "share" / "intouch-sync").string();
}

std::string defaultDataDir(const std::string& configDir, const std::string& name) {
    const fs::path besideConfig = (fs::path(configDir) / name).lexically_normal();
    std::error_code ec;
    if (fs::is_directory(besideConfig, ec)) return besideConfig.string();
    if (std::string installed = installedDataDir(); !installed.empty()) {
        const fs::path shipped = fs::path(installed) / name;
        if (fs::is_directory(shipped, ec)) return shipped.string();
    }
    return besideConfig.string();
}

}  // namespace intouch
