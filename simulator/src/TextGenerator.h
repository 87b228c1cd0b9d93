#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "Rng.h"

namespace intouch::sim::text {

// Free texts are where exports break: quotes, backslashes, newlines, tabs, rare control
// characters, emoji, HTML and texts over 5 kB all occur here on purpose.

// A one- to three-sentence remark; nullopt (JSON null) for about a fifth of records.
std::optional<std::string> comment(Rng& rng);
// Plain text of at least minBytes bytes (paragraphs separated by blank lines).
std::string longText(Rng& rng, std::size_t minBytes);
// An HTML letter; long (> 5 kB) for some records.
std::string htmlLetter(Rng& rng);
// A note body, HTML when html is true.
std::string note(Rng& rng, bool html);

}  // namespace intouch::sim::text
