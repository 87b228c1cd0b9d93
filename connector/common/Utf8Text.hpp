#pragma once
// Text that came from outside (an error page, a reason phrase, a rejected record's key)
// made fit for PostgreSQL text columns and one-line messages: valid UTF-8 without NUL,
// cut on a character boundary. PostgreSQL refuses a whole statement over one bad byte,
// and a history row that cannot be written is a run that lies about its end.

#include <cstddef>
#include <string>
#include <string_view>

namespace intouch::text {

// Every byte that does not start a well-formed UTF-8 sequence (stray continuation bytes,
// a sequence cut short, overlong forms, surrogates, beyond U+10FFFF; so also any
// windows-1250 or Latin-1 text) becomes U+FFFD, and so does NUL. Valid text is unchanged.
std::string validUtf8(std::string_view s);

// At most maxBytes bytes of valid UTF-8 text, never ending inside a character; "..."
// (counted within maxBytes) marks a cut. Text that is not valid is made so first.
std::string cutUtf8(std::string_view s, std::size_t maxBytes);

}  // namespace intouch::text
