#include "support/RecordHash.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "mapping/MappingLoader.hpp"
#include "mapping/Md5.hpp"
#include "mapping/PersonalData.hpp"

namespace intouch::testsupport {

namespace {

// The shipped mapping's rules, loaded once per stream.
const PersonalData& rulesOf(const std::string& stream) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<PersonalData>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = cache[stream];
    if (!slot) {
        StreamSpec spec =
            loadMappingFile(std::string(INTOUCH_SOURCE_DIR) + "/mappings/" + stream + ".yaml");
        spec.piiKey = kTestPiiKey;
        slot = std::make_unique<PersonalData>(spec);
    }
    return *slot;
}

}  // namespace

std::string expectedRecordHash(const std::string& stream, const json::Value& record) {
    const PersonalData& rules = rulesOf(stream);
    return md5Hex(rules.any() ? rules.scrub(record).toJson() : record.toJson());
}

}  // namespace intouch::testsupport
