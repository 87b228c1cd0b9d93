#pragma once
// A field every log line of the process carries, before its own fields: a run for one
// source of a multi-source config logs `source=NAME`, so the lines of sources synced side
// by side can be told apart. (Apart from Log.hpp, which nearly every file includes.)

#include <string>

namespace intouch::log {

void addContext(const std::string& key, const std::string& value);

}  // namespace intouch::log
