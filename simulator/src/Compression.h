#pragma once

#include <string>
#include <string_view>

namespace intouch::sim {

// True when an Accept-Encoding header allows gzip (a "gzip" or "*" coding with q != 0).
bool acceptsGzip(std::string_view acceptEncoding);
std::string gzipCompress(const std::string& data);

}  // namespace intouch::sim
