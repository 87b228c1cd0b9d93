#include "mapping/Md5.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "mapping/HexText.hpp"

namespace intouch {

namespace {

// The algorithm is fetched once (an implicit fetch per digest costs a provider lookup);
// each thread keeps one context, reset by every EVP_DigestInit_ex2.
const EVP_MD* md5Algorithm() {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", nullptr);
    if (md == nullptr) throw std::runtime_error("OpenSSL offers no MD5 (FIPS-only provider?)");
    return md;
}

struct ContextFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::string md5Hex(std::string_view data) {
    thread_local std::unique_ptr<EVP_MD_CTX, ContextFree> ctx(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex2(ctx.get(), md5Algorithm(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
        throw std::runtime_error("OpenSSL MD5 failed");
    return hexText(digest, length);
}

}  // namespace intouch
