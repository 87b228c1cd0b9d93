#pragma once
// Bytes as lower-case hex: how digests (record_hash, pii: hash) are stored.

#include <cstddef>
#include <string>

namespace intouch {

inline std::string hexText(const unsigned char* bytes, std::size_t length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(2 * length, '\0');
    for (std::size_t i = 0; i < length; ++i) {
        out[2 * i] = kHex[bytes[i] >> 4];
        out[2 * i + 1] = kHex[bytes[i] & 0xf];
    }
    return out;
}

}  // namespace intouch
