// The config file: any text gives a Config or a ConfigError naming the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "FuzzFiles.hpp"
#include "cli/Config.hpp"
#include "common/Errors.hpp"

using namespace intouch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = writeFuzzInput(data, size, ".yaml");
    try {
        (void)loadConfig(path);
    } catch (const ConfigError& e) {
        if (std::string(e.what()).empty()) std::abort();
    }
    return 0;
}
