#include "Auth.h"

#include <Poco/Base64Decoder.h>

#include <cctype>
#include <iterator>
#include <sstream>

namespace intouch::sim {

bool basicAuthMatches(const std::optional<std::string>& header, const std::string& user,
                      const std::string& password) {
    if (!header) return false;
    const std::string& h = *header;
    // The scheme name is case-insensitive (RFC 7617).
    if (h.size() < 6) return false;
    std::string scheme = h.substr(0, 6);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "basic ") return false;
    std::string encoded = h.substr(6);
    while (!encoded.empty() && encoded.front() == ' ') encoded.erase(0, 1);
    std::string decoded;
    try {
        std::istringstream in(encoded);
        Poco::Base64Decoder decoder(in);
        decoded.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    } catch (...) {
        return false;
    }
    return decoded == user + ":" + password;
}

}  // namespace intouch::sim
