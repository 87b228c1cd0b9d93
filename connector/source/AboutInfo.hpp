#pragma once

#include <string>
#include <vector>

#include "common/Json.hpp"

namespace intouch {

// GET /api/about: instance identity, its time zone and whether it is in maintenance.
struct AboutInfo {
    std::string crmId;
    std::string name;
    std::string timeZone;
    int mode = 100;  // 100 running, 5 maintenance
    std::vector<int> version;

    bool inMaintenance() const { return mode == 5; }
    std::string versionText() const;
    static AboutInfo fromJson(const json::Value& v);
};

}  // namespace intouch
