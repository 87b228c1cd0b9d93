#include "mapping/HmacSha256.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "mapping/HexText.hpp"

namespace intouch {

namespace {

// Fetched once: an implicit fetch per value (what the one-shot HMAC() does) costs a
// provider lookup and a context set-up per hashed value, a visible share of mapping
// with `pii: hash` (bench/README.md).
EVP_MAC* hmacAlgorithm() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) throw std::runtime_error("OpenSSL offers no HMAC");
    return mac;
}

struct ContextFree {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// One context per thread, keyed once: EVP_MAC_init with a null key starts a new
// message under the key already set (OpenSSL 3 keeps HMAC's padded key state), so
// the key is hashed into the pads only when it changes. Per thread rather than per
// mapper, so that a mapper used from two threads (the reader maps, the writer stores
// a reject's raw JSON) never shares one.
struct KeyedContext {
    std::unique_ptr<EVP_MAC_CTX, ContextFree> ctx;
    std::string key;
    bool keyed = false;

    EVP_MAC_CTX* prepare(std::string_view k) {
        if (!ctx) {
            ctx.reset(EVP_MAC_CTX_new(hmacAlgorithm()));
            if (!ctx) throw std::runtime_error("OpenSSL HMAC-SHA-256 failed (no context)");
        }
        if (keyed && key == k) {
            if (EVP_MAC_init(ctx.get(), nullptr, 0, nullptr) != 1)
                throw std::runtime_error("OpenSSL HMAC-SHA-256 failed (re-init)");
            return ctx.get();
        }
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end()};
        // A non-null pointer even for an empty key: a null one means "keep the key".
        static const unsigned char kEmpty = 0;
        const auto* bytes =
            k.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(k.data());
        keyed = false;
        if (EVP_MAC_init(ctx.get(), bytes, k.size(), params) != 1)
            throw std::runtime_error("OpenSSL HMAC-SHA-256 failed (init)");
        key.assign(k);
        keyed = true;
        return ctx.get();
    }
};

}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
    thread_local KeyedContext cached;
    EVP_MAC_CTX* ctx = cached.prepare(key);
    unsigned char digest[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(ctx, digest, &length, sizeof digest) != 1) {
        cached.keyed = false;  // start from the key again next time
        throw std::runtime_error("OpenSSL HMAC-SHA-256 failed");
    }
    return hexText(digest, static_cast<unsigned int>(length));
}

}  // namespace intouch
