#pragma once
// The loaders read files; a fuzz input is written to one private file per process.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

inline std::string writeFuzzInput(const std::uint8_t* data, std::size_t size, const char* ext) {
    static const std::string path =
        "/tmp/intouch-fuzz-" + std::to_string(::getpid()) + std::string(ext);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}
