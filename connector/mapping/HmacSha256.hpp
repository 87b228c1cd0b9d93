#pragma once
// HMAC-SHA-256 (OpenSSL) as lower-case hex: how `pii: hash` stores a personal value. Keyed,
// so that a table of hashes cannot be reversed by hashing every possible birth number, and
// deterministic, so that hashed columns still join and count.

#include <string>
#include <string_view>

namespace intouch {

std::string hmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace intouch
