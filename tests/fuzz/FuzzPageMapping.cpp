// A CRM answer as the connector reads it: the page envelope (or a plain array),
// then every item through every shipped mapping. Bad records must become
// RecordError (a reject), never a crash or another exception, and what is mapped
// must be something PostgreSQL accepts as text (no NUL) with a readable key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/Errors.hpp"
#include "common/Json.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/TimeZone.hpp"
#include "source/PageEnvelope.hpp"

using namespace intouch;

namespace {
struct Mappers {
    std::vector<StreamSpec> specs;
    TimeZone zone = TimeZone::utc();
    std::vector<std::unique_ptr<RecordMapper>> mappers;
};

Mappers& mappers() {
    static Mappers* m = [] {
        auto* out = new Mappers;
        out->specs = loadMappingDirectory(INTOUCH_MAPPINGS_DIR);
        out->zone = TimeZone::load("Europe/Prague");
        for (const auto& spec : out->specs)
            out->mappers.push_back(std::make_unique<RecordMapper>(spec, out->zone));
        return out;
    }();
    return *m;
}

void checkRow(const MappedRow& row) {
    for (const auto& cell : row)
        if (cell && cell->find('\0') != std::string::npos) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    mappers();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    json::Value body;
    try {
        body = json::parse(text);
    } catch (const json::ParseError&) {
        return 0;
    }
    std::vector<json::Value> items;
    if (body.isArray()) {
        items = body.items();
    } else {
        try {
            items = parsePageEnvelope(std::move(body), "fuzz").items;
        } catch (const SourceError&) {
            return 0;
        }
    }
    for (const auto& mapper : mappers().mappers) {
        for (const auto& item : items) {
            (void)mapper->describeKey(item);
            (void)mapper->cursorMicros(item);
            try {
                MappedRecord r = mapper->map(item, text);
                checkRow(r.values);
                for (const auto& rows : r.children)
                    for (const auto& row : rows) checkRow(row);
                if (r.keyValues.size() != mapper->spec().primaryKey.size()) std::abort();
                if (r.hash.size() != 32) std::abort();
            } catch (const RecordError&) {
            }
        }
    }
    return 0;
}
