#pragma once
// The body of one answer, taken in as it arrives: counted against the size limit on the
// wire and, separately, after gzip inflating, so that neither a huge answer nor a small
// "gzip bomb" can hold more than the limit in memory. Throws TransportError
// (kind TooLarge or CorruptBody) naming the request and the limit.

#include <cstdint>
#include <memory>
#include <string>

namespace intouch {

class BodyDecoder {
  public:
    // what names the request in messages ("GET https://host:443/api/parties?...").
    // gzip: inflate the body; otherwise it is kept as received.
    BodyDecoder(std::string what, bool gzip, std::int64_t limit);
    ~BodyDecoder();
    BodyDecoder(const BodyDecoder&) = delete;
    BodyDecoder& operator=(const BodyDecoder&) = delete;

    // Throws TooLarge before anything is read when an announced length is over the limit.
    void expectLength(std::int64_t totalBytes, const std::string& announcedBy) const;
    void append(const char* data, std::size_t n);
    // The whole body has arrived: a gzip stream must have reached its end.
    std::string finish();

    std::size_t wireBytes() const { return wireBytes_; }

  private:
    [[noreturn]] void tooLarge(const std::string& which) const;

    std::string what_;
    bool gzip_;
    std::int64_t limit_;
    std::size_t wireBytes_ = 0;
    std::string body_;
    struct Inflater;
    std::unique_ptr<Inflater> inflater_;
};

}  // namespace intouch
