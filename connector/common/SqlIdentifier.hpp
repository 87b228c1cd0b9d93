#pragma once

#include <string>
#include <vector>

namespace intouch {

// "name" with embedded quotes doubled: safe for any table, schema or column name.
std::string quoteIdent(const std::string& name);
// "schema"."name"
std::string qualified(const std::string& schema, const std::string& name);
// "a", "b", "c"
std::string identList(const std::vector<std::string>& names, const std::string& prefix = "");

}  // namespace intouch
