#include "mapping/MappedRecord.hpp"

namespace intouch {

std::string keyText(const std::vector<std::string>& keyColumns,
                    const std::vector<std::string>& keyValues) {
    std::string out;
    for (std::size_t i = 0; i < keyColumns.size() && i < keyValues.size(); ++i) {
        if (i) out += ',';
        out += keyColumns[i];
        out += '=';
        out += keyValues[i];
    }
    return out;
}

}  // namespace intouch
