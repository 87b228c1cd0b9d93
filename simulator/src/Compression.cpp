#include "Compression.h"

#include <Poco/DeflatingStream.h>

#include <cctype>
#include <sstream>

namespace intouch::sim {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// q=0, q=0.0, q=0.000 all mean "not acceptable".
bool qIsZero(std::string_view params) {
    std::size_t pos = 0;
    while (pos < params.size()) {
        std::size_t semi = params.find(';', pos);
        if (semi == std::string_view::npos) semi = params.size();
        std::string_view p = trim(params.substr(pos, semi - pos));
        if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            std::string_view v = trim(p.substr(2));
            bool zero = !v.empty() && v[0] == '0';
            for (std::size_t i = 1; zero && i < v.size(); ++i) zero = v[i] == '.' || v[i] == '0';
            return zero;
        }
        pos = semi + 1;
    }
    return false;
}

}  // namespace

bool acceptsGzip(std::string_view header) {
    std::size_t pos = 0;
    while (pos <= header.size()) {
        std::size_t comma = header.find(',', pos);
        if (comma == std::string_view::npos) comma = header.size();
        std::string_view item = header.substr(pos, comma - pos);
        const std::size_t semi = item.find(';');
        std::string_view coding = trim(item.substr(0, semi));
        std::string_view params =
            semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
        if ((iequals(coding, "gzip") || iequals(coding, "x-gzip") || coding == "*") &&
            !qIsZero(params))
            return true;
        pos = comma + 1;
    }
    return false;
}

std::string gzipCompress(const std::string& data) {
    std::ostringstream out;
    {
        // Level 1: a 1000-record page compresses several times faster than at the default
        // level, and the simulator's job is speed, not the last percent of ratio.
        Poco::DeflatingOutputStream z(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 1);
        z.write(data.data(), static_cast<std::streamsize>(data.size()));
        z.close();
    }
    return out.str();
}

}  // namespace intouch::sim
