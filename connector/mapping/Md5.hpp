#pragma once
// MD5 (RFC 1321) as lowercase hex, for record_hash, from OpenSSL's EVP interface
// (libssl3, linked already; its assembly MD5 is about 7% faster than the hand-written
// one it replaces, see bench/README.md). MD5 is kept (not a faster hash such as XXH3)
// because the record_hash values already in the tables must stay comparable with the
// ones computed now; no cryptographic property is relied on.

#include <string>
#include <string_view>

namespace intouch {

std::string md5Hex(std::string_view data);

}  // namespace intouch
