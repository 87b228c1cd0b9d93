#include "mapping/Md5.hpp"

#include <cstdint>
#include <cstring>

namespace intouch {

namespace {

inline std::uint32_t rotl(std::uint32_t x, int c) {
    return (x << c) | (x >> (32 - c));
}

// Little-endian load, whatever the host's byte order.
std::uint32_t load32(const unsigned char* p) {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
           (std::uint32_t{p[3]} << 24);
}

// One step: a = b + ((a + f(b, c, d) + m + k) <<< s). Written out for all 64
// steps so that shifts and constants are immediates; a loop over tables was
// slower than Poco's engine.
#define INTOUCH_MD5_STEP(f, a, b, c, d, m, k, s) \
    a += f(b, c, d) + (m) + (k);                 \
    a = rotl(a, s) + b;
#define INTOUCH_MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define INTOUCH_MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define INTOUCH_MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define INTOUCH_MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))

void block(std::uint32_t h[4], const unsigned char* p) {
    std::uint32_t m[16];
    for (int i = 0; i < 16; ++i) m[i] = load32(p + 4 * i);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, a, b, c, d, m[0], 0xd76aa478, 7)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, d, a, b, c, m[1], 0xe8c7b756, 12)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, c, d, a, b, m[2], 0x242070db, 17)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, b, c, d, a, m[3], 0xc1bdceee, 22)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, a, b, c, d, m[4], 0xf57c0faf, 7)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, d, a, b, c, m[5], 0x4787c62a, 12)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, c, d, a, b, m[6], 0xa8304613, 17)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, b, c, d, a, m[7], 0xfd469501, 22)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, a, b, c, d, m[8], 0x698098d8, 7)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, d, a, b, c, m[9], 0x8b44f7af, 12)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, c, d, a, b, m[10], 0xffff5bb1, 17)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, b, c, d, a, m[11], 0x895cd7be, 22)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, a, b, c, d, m[12], 0x6b901122, 7)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, d, a, b, c, m[13], 0xfd987193, 12)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, c, d, a, b, m[14], 0xa679438e, 17)
    INTOUCH_MD5_STEP(INTOUCH_MD5_F, b, c, d, a, m[15], 0x49b40821, 22)

    INTOUCH_MD5_STEP(INTOUCH_MD5_G, a, b, c, d, m[1], 0xf61e2562, 5)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, d, a, b, c, m[6], 0xc040b340, 9)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, c, d, a, b, m[11], 0x265e5a51, 14)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, b, c, d, a, m[0], 0xe9b6c7aa, 20)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, a, b, c, d, m[5], 0xd62f105d, 5)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, d, a, b, c, m[10], 0x02441453, 9)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, c, d, a, b, m[15], 0xd8a1e681, 14)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, b, c, d, a, m[4], 0xe7d3fbc8, 20)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, a, b, c, d, m[9], 0x21e1cde6, 5)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, d, a, b, c, m[14], 0xc33707d6, 9)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, c, d, a, b, m[3], 0xf4d50d87, 14)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, b, c, d, a, m[8], 0x455a14ed, 20)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, a, b, c, d, m[13], 0xa9e3e905, 5)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, d, a, b, c, m[2], 0xfcefa3f8, 9)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, c, d, a, b, m[7], 0x676f02d9, 14)
    INTOUCH_MD5_STEP(INTOUCH_MD5_G, b, c, d, a, m[12], 0x8d2a4c8a, 20)

    INTOUCH_MD5_STEP(INTOUCH_MD5_H, a, b, c, d, m[5], 0xfffa3942, 4)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, d, a, b, c, m[8], 0x8771f681, 11)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, c, d, a, b, m[11], 0x6d9d6122, 16)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, b, c, d, a, m[14], 0xfde5380c, 23)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, a, b, c, d, m[1], 0xa4beea44, 4)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, d, a, b, c, m[4], 0x4bdecfa9, 11)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, c, d, a, b, m[7], 0xf6bb4b60, 16)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, b, c, d, a, m[10], 0xbebfbc70, 23)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, a, b, c, d, m[13], 0x289b7ec6, 4)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, d, a, b, c, m[0], 0xeaa127fa, 11)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, c, d, a, b, m[3], 0xd4ef3085, 16)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, b, c, d, a, m[6], 0x04881d05, 23)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, a, b, c, d, m[9], 0xd9d4d039, 4)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, d, a, b, c, m[12], 0xe6db99e5, 11)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, c, d, a, b, m[15], 0x1fa27cf8, 16)
    INTOUCH_MD5_STEP(INTOUCH_MD5_H, b, c, d, a, m[2], 0xc4ac5665, 23)

    INTOUCH_MD5_STEP(INTOUCH_MD5_I, a, b, c, d, m[0], 0xf4292244, 6)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, d, a, b, c, m[7], 0x432aff97, 10)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, c, d, a, b, m[14], 0xab9423a7, 15)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, b, c, d, a, m[5], 0xfc93a039, 21)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, a, b, c, d, m[12], 0x655b59c3, 6)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, d, a, b, c, m[3], 0x8f0ccc92, 10)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, c, d, a, b, m[10], 0xffeff47d, 15)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, b, c, d, a, m[1], 0x85845dd1, 21)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, a, b, c, d, m[8], 0x6fa87e4f, 6)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, d, a, b, c, m[15], 0xfe2ce6e0, 10)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, c, d, a, b, m[6], 0xa3014314, 15)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, b, c, d, a, m[13], 0x4e0811a1, 21)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, a, b, c, d, m[4], 0xf7537e82, 6)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, d, a, b, c, m[11], 0xbd3af235, 10)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, c, d, a, b, m[2], 0x2ad7d2bb, 15)
    INTOUCH_MD5_STEP(INTOUCH_MD5_I, b, c, d, a, m[9], 0xeb86d391, 21)
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

#undef INTOUCH_MD5_STEP
#undef INTOUCH_MD5_F
#undef INTOUCH_MD5_G
#undef INTOUCH_MD5_H
#undef INTOUCH_MD5_I

}  // namespace

std::string md5Hex(std::string_view data) {
    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    for (; left >= 64; left -= 64, p += 64) block(h, p);
    // The tail, 0x80, zeros and the bit length fill one or two last blocks.
    unsigned char tail[128] = {};
    std::memcpy(tail, p, left);
    tail[left] = 0x80;
    const std::size_t tailSize = left < 56 ? 64 : 128;
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    for (int i = 0; i < 8; ++i)
        tail[tailSize - 8 + static_cast<std::size_t>(i)] =
            static_cast<unsigned char>(bits >> (8 * i));
    block(h, tail);
    if (tailSize == 128) block(h, tail + 64);

    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int w = 0; w < 4; ++w)
        for (int byte = 0; byte < 4; ++byte) {
            const unsigned v = (h[w] >> (8 * byte)) & 0xFF;
            out[static_cast<std::size_t>(8 * w + 2 * byte)] = kHex[v >> 4];
            out[static_cast<std::size_t>(8 * w + 2 * byte + 1)] = kHex[v & 15];
        }
    return out;
}

}  // namespace intouch
