#pragma once
// A statement written whole, as SQL, with named holes: `{target}`, `{key}`.
// Filling checks both ways: a hole without a value and a value without a hole
// are errors (a typo in a statement fails the first time it runs, in the tests,
// never as wrong SQL). The values are SQL text the caller already made safe:
// identifiers only through quoteIdent/qualified/identList, literals only through
// the connection's escaping (tx.esc) or as $n parameters. A hole is `{` + a name
// of [a-z0-9_] + `}`; any other brace is text (none of our statements has one).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intouch {

using SqlValues = std::vector<std::pair<std::string_view, std::string>>;

// Throws std::logic_error naming the hole or value when they do not match.
std::string fillSql(std::string_view text, const SqlValues& values);

}  // namespace intouch
