#include "source/BodyDecoder.hpp"

#include <zlib.h>

#include "source/HttpTransport.hpp"

namespace intouch {

struct BodyDecoder::Inflater {
    z_stream z{};
    bool ended = false;  // the last gzip member is complete
    Inflater() {
        // 16 + MAX_WBITS: gzip wrapper only, as Content-Encoding: gzip promises.
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
    }
    ~Inflater() { inflateEnd(&z); }
};

BodyDecoder::BodyDecoder(std::string what, bool gzip, std::int64_t limit)
    : what_(std::move(what)), gzip_(gzip), limit_(limit) {
    if (gzip_) inflater_ = std::make_unique<Inflater>();
}

BodyDecoder::~BodyDecoder() = default;

void BodyDecoder::tooLarge(const std::string& which) const {
    throw TransportError(what_ + ": the answer is larger than source.max_response_bytes (" +
                             std::to_string(limit_) + " bytes) " + which +
                             "; reading stopped there. Raise source.max_response_bytes if the "
                             "CRM really sends pages this large, or lower source.page_size",
                         TransportError::Kind::TooLarge);
}

void BodyDecoder::expectLength(std::int64_t totalBytes, const std::string& announcedBy) const {
    if (totalBytes > limit_)
        tooLarge("on the wire (" + std::to_string(totalBytes) + " bytes " + announcedBy + ")");
}

void BodyDecoder::append(const char* data, std::size_t n) {
    if (n == 0) return;
    if (static_cast<std::int64_t>(wireBytes_ + n) > limit_) tooLarge("on the wire");
    wireBytes_ += n;
    if (!gzip_) {
        body_.append(data, n);
        return;
    }
    Inflater& inf = *inflater_;
    inf.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    inf.z.avail_in = static_cast<uInt>(n);
    char out[64 * 1024];
    for (;;) {
        if (inf.ended) {
            if (inf.z.avail_in == 0) break;
            // Another gzip member follows (concatenated members are one valid stream).
            if (inflateReset(&inf.z) != Z_OK)
                throw TransportError(what_ + ": corrupt gzip body", TransportError::Kind::CorruptBody);
            inf.ended = false;
        }
        inf.z.next_out = reinterpret_cast<Bytef*>(out);
        inf.z.avail_out = sizeof out;
        const int rc = inflate(&inf.z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            throw TransportError(what_ + ": corrupt gzip body: " +
                                     (inf.z.msg ? std::string(inf.z.msg) : "inflate error " + std::to_string(rc)),
                                 TransportError::Kind::CorruptBody);
        const std::size_t produced = sizeof out - inf.z.avail_out;
        if (static_cast<std::int64_t>(body_.size() + produced) > limit_)
            tooLarge("once inflated (gzip; " + std::to_string(wireBytes_) + " bytes received so far)");
        body_.append(out, produced);
        if (rc == Z_STREAM_END) {
            inf.ended = true;
            continue;
        }
        // Done when the input is used up and zlib holds no more output for us.
        if (inf.z.avail_in == 0 && inf.z.avail_out != 0) break;
        if (rc == Z_BUF_ERROR) break;
    }
}

std::string BodyDecoder::finish() {
    if (gzip_ && wireBytes_ > 0 && !inflater_->ended) {
        throw TransportError(what_ + ": corrupt gzip body: the gzip stream ends before its end "
                                     "marker (" + std::to_string(wireBytes_) +
                                     " bytes received): the answer was cut off",
                             TransportError::Kind::CorruptBody);
    }
    return std::move(body_);
}

}  // namespace intouch
