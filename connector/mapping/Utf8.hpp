#pragma once
// Just enough UTF-8 for trimming, case mapping and NUL replacement. Input is
// valid UTF-8: the JSON parser has already replaced invalid bytes.

#include <cstdint>
#include <string>
#include <string_view>

namespace intouch::utf8 {

// Decodes the code point at s[i] and advances i; malformed bytes decode as U+FFFD.
char32_t next(std::string_view s, std::size_t& i);
void append(std::string& out, char32_t cp);

bool isWhiteSpace(char32_t cp);  // Unicode White_Space
char32_t toLower(char32_t cp);   // simple 1:1 mapping for Latin, Greek and Cyrillic
char32_t toUpper(char32_t cp);

// U+0000 -> U+FFFD (PostgreSQL text cannot hold NUL); returns the count replaced.
int replaceNul(std::string& s);

}  // namespace intouch::utf8
