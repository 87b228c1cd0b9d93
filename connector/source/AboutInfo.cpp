#include "source/AboutInfo.hpp"

#include "common/Errors.hpp"

namespace intouch {

std::string AboutInfo::versionText() const {
    std::string out;
    for (std::size_t i = 0; i < version.size(); ++i) {
        if (i) out += ".";
        out += std::to_string(version[i]);
    }
    return out;
}

AboutInfo AboutInfo::fromJson(const json::Value& v) {
    if (!v.isObject()) throw SourceError("/api/about did not answer with a JSON object");
    AboutInfo info;
    auto text = [&](const char* key) -> std::string {
        const json::Value* f = v.find(key);
        if (!f || f->isNull()) return {};
        return f->isString() ? f->asString() : f->toJson();
    };
    info.crmId = text("crmId");
    info.name = text("name");
    info.timeZone = text("timeZone");
    std::int64_t mode = 100;
    if (const json::Value* m = v.find("mode"); m && m->toInt64(mode)) info.mode = static_cast<int>(mode);
    if (const json::Value* ver = v.find("version"); ver && ver->isArray()) {
        for (const auto& part : ver->items()) {
            std::int64_t n = 0;
            if (part.toInt64(n)) info.version.push_back(static_cast<int>(n));
        }
    }
    return info;
}

}  // namespace intouch
