#pragma once

#include <string>
#include <vector>

namespace intouch::sim {

// A code list as /api/lists serves it; the coded fields of generated records use its item
// names, so the connector can decode them.
struct CodeList {
    std::string id;
    std::string json;  // {"id":..,"name":..,"locked":..,"items":[{name,sequence,value}...]}
};

// The same for every seed: code lists are configuration, not data.
const std::vector<CodeList>& codeLists();  // sorted by id

}  // namespace intouch::sim
