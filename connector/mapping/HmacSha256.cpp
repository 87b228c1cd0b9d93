#include "mapping/HmacSha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "mapping/HexText.hpp"

namespace intouch {

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
             &length) == nullptr)
        throw std::runtime_error("OpenSSL HMAC-SHA-256 failed");
    return hexText(digest, length);
}

}  // namespace intouch
