// Mapping files are written by users: any text must give a StreamSpec or a
// MappingSpecError that names the problems, never a crash or a stray exception
// (yaml-cpp's own exceptions included).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "FuzzFiles.hpp"
#include "mapping/MappingLoader.hpp"

using namespace intouch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = writeFuzzInput(data, size, ".yaml");
    try {
        StreamSpec spec = loadMappingFile(path);
        if (spec.name.empty() || spec.table.empty() || spec.primaryKey.empty()) std::abort();
    } catch (const MappingSpecError& e) {
        if (e.problems().empty()) std::abort();  // an error must say what is wrong
    }
    return 0;
}
