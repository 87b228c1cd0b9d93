#pragma once
// Where an installed intouch-sync finds the mappings and migrations it ships with.

#include <string>

namespace intouch {

// <prefix>/share/intouch-sync, <prefix> being the parent of the directory that holds
// the running executable: /usr/bin/intouch-sync -> /usr/share/intouch-sync (the Debian
// package), /usr/local/bin -> /usr/local/share (`cmake --install`), and a package
// unpacked into a scratch root finds its own files too. Empty if /proc/self/exe
// cannot be read.
std::string installedDataDir();

// The directory a config that does not name `mappings` (or `migrations`) uses: NAME
// beside the config file if that exists (a checkout, a hand-made layout), else the
// installed one if that exists, else NAME beside the config file (so the error names
// the path a user would expect).
std::string defaultDataDir(const std::string& configDir, const std::string& name);

}  // namespace intouch
