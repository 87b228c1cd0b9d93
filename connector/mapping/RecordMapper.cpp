#include "mapping/RecordMapper.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include "mapping/ExtraFields.hpp"
#include "mapping/ValueConverter.hpp"

namespace intouch {

namespace {

constexpr std::size_t kShownValueBytes = 80;

// The value as JSON, cut at a character boundary so a message stays one line.
std::string shown(const json::Value& v) {
    std::string s = v.toJson();
    if (s.size() <= kShownValueBytes) return s;
    std::size_t cut = kShownValueBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "…";
}

std::string describe(const std::string& label, const std::string& path) {
    return "column '" + label + "' (from '" + path + "')";
}

// Map keys are compared with the value's text: strings by content, numbers by
// their JSON text, booleans as true/false.
std::optional<std::string> mapKey(const json::Value& v) {
    switch (v.type()) {
        case json::Type::String:
            return v.asString();
        case json::Type::Number:
            return v.numberText();
        case json::Type::Bool:
            return std::string(v.asBool() ? "true" : "false");
        default:
            return std::nullopt;
    }
}

std::string childPath(const std::string& arrayPath, std::size_t index,
                      const std::string& columnPath) {
    std::string base = arrayPath + "[" + std::to_string(index) + "]";
    if (columnPath == "$") return base;
    if (!columnPath.empty() && columnPath[0] == '$') return base + columnPath.substr(1);
    return base + "." + columnPath;
}

std::optional<std::string> scalarText(const json::Value& v) {
    switch (v.type()) {
        case json::Type::String:
            return v.asString();
        case json::Type::Number:
            return v.numberText();
        case json::Type::Bool:
            return std::string(v.asBool() ? "true" : "false");
        default:
            return std::nullopt;
    }
}

std::string md5Hex(const std::string& text) {
    Poco::MD5Engine md5;
    md5.update(text);
    return Poco::DigestEngine::digestToHex(md5.digest());
}

}  // namespace

RecordMapper::RecordMapper(const StreamSpec& spec, const TimeZone& sourceZone)
    : spec_(spec), zone_(sourceZone), preferEarlier_(spec.ambiguousTime != "later") {
    for (std::size_t i = 0; i < spec_.columns.size(); ++i)
        if (!spec_.cursorColumn.empty() && spec_.columns[i].name == spec_.cursorColumn)
            cursorIndex_ = i;
    for (const auto& k : spec_.primaryKey)
        for (std::size_t i = 0; i < spec_.columns.size(); ++i)
            if (spec_.columns[i].name == k) keyIndexes_.push_back(i);
}

std::optional<std::string> RecordMapper::mapColumn(const ColumnSpec& c, const json::Value& base,
                                                   const std::string& label,
                                                   const std::string& pathLabel,
                                                   const ConversionContext& ctx,
                                                   std::optional<std::int64_t>* instant) const {
    const json::Value* found = c.path.find(base);
    json::Value v = found ? *found : json::Value();
    for (auto t : c.transforms) applyTransform(t, v);
    if (!c.valueMap.empty() && !v.isNull()) {
        auto key = mapKey(v);
        auto it = key ? c.valueMap.find(*key) : c.valueMap.end();
        if (it != c.valueMap.end()) {
            v = it->second;
        } else if (c.mapStrict) {
            throw RecordError(
                label, describe(label, pathLabel) +
                           ": value is not in the column's map (map_strict); value: " + shown(v));
        }
    }
    if (v.isNull() && c.defaultValue) v = *c.defaultValue;
    if (v.isNull()) {
        if (c.required)
            throw RecordError(label, describe(label, pathLabel) + ": required but " +
                                         (found && found->isNull() ? "null"
                                          : found                  ? "null after transforms"
                                                                   : "missing"));
        return std::nullopt;
    }
    try {
        std::string text = convertValue(v, c.type, ctx);
        if (instant) *instant = instantMicros(v, ctx);
        return text;
    } catch (const ConversionError& e) {
        throw RecordError(label,
                          describe(label, pathLabel) + ": " + e.what() + "; value: " + shown(v));
    }
}

MappedRecord RecordMapper::map(const json::Value& record) const {
    if (!record.isObject())
        throw RecordError("", std::string("the record is a JSON ") + json::typeName(record.type()) +
                                  ", not an object; value: " + shown(record));
    MappedRecord out;
    const ConversionContext ctx{zone_, preferEarlier_, &out.replacedNulChars};
    ExtraFields consumed;
    std::vector<ResolvedStep> steps;

    out.values.reserve(spec_.valueColumns().size());
    for (std::size_t i = 0; i < spec_.columns.size(); ++i) {
        const ColumnSpec& c = spec_.columns[i];
        const bool isCursor = cursorIndex_ && *cursorIndex_ == i;
        out.values.push_back(mapColumn(c, record, c.name, c.sourcePath, ctx,
                                       isCursor ? &out.cursorMicros : nullptr));
        if (c.path.resolve(record, steps)) consumed.consume(steps);
    }
    for (std::size_t k : keyIndexes_) out.keyValues.push_back(out.values[k].value_or(""));

    out.children.resize(spec_.children.size());
    for (std::size_t ci = 0; ci < spec_.children.size(); ++ci) {
        const ChildSpec& child = spec_.children[ci];
        if (child.path.resolve(record, steps)) consumed.consume(steps);
        const json::Value* array = child.path.find(record);
        if (!array || array->isNull()) continue;
        if (!array->isArray())
            throw RecordError(child.table,
                              "child table '" + child.table + "' (from '" + child.sourcePath +
                                  "'): expected a JSON array, got a JSON " +
                                  json::typeName(array->type()) + "; value: " + shown(*array));
        const auto& items = array->items();
        for (std::size_t idx = 0; idx < items.size(); ++idx) {
            const json::Value& element = items[idx];
            MappedRow row;
            for (const auto& k : out.keyValues) row.emplace_back(k);
            row.emplace_back(std::to_string(idx));
            ExtraFields elementConsumed;
            for (const auto& col : child.columns) {
                row.push_back(mapColumn(col, element, child.table + "." + col.name,
                                        childPath(child.sourcePath, idx, col.sourcePath), ctx,
                                        nullptr));
                if (col.path.resolve(element, steps)) elementConsumed.consume(steps);
            }
            if (!child.extraColumn.empty()) {
                auto rest = elementConsumed.remainder(element);
                row.push_back(
                    rest ? std::optional<std::string>(jsonbText(*rest, &out.replacedNulChars))
                         : std::nullopt);
            }
            out.children[ci].push_back(std::move(row));
        }
    }

    try {
        if (!spec_.extraColumn.empty()) {
            auto rest = consumed.remainder(record);
            out.values.push_back(
                rest ? std::optional<std::string>(jsonbText(*rest, &out.replacedNulChars))
                     : std::nullopt);
        }
        if (!spec_.rawColumn.empty())
            out.values.emplace_back(jsonbText(record, &out.replacedNulChars));
    } catch (const ConversionError& e) {
        // A number jsonb cannot hold somewhere in the unmapped part.
        throw RecordError(spec_.extraColumn.empty() ? spec_.rawColumn : spec_.extraColumn,
                          "column '" +
                              (spec_.extraColumn.empty() ? spec_.rawColumn : spec_.extraColumn) +
                              "' (unmapped fields): " + e.what());
    }
    out.hash = md5Hex(record.toJson());
    return out;
}

std::string RecordMapper::describeKey(const json::Value& record) const {
    std::string out;
    int ignored = 0;
    const ConversionContext ctx{zone_, preferEarlier_, &ignored};
    for (std::size_t n = 0; n < keyIndexes_.size(); ++n) {
        const ColumnSpec& c = spec_.columns[keyIndexes_[n]];
        std::optional<std::string> text;
        try {
            text = mapColumn(c, record, c.name, c.sourcePath, ctx, nullptr);
        } catch (const RecordError&) {
            if (const json::Value* v = c.path.find(record)) text = scalarText(*v);
        }
        if (!text) return "";
        if (n) out += ",";
        out += c.name + "=" + *text;
    }
    return out;
}

const std::string& RecordMapper::cursorSourceField() const {
    static const std::string none;
    return cursorIndex_ ? spec_.columns[*cursorIndex_].sourcePath : none;
}

std::optional<std::int64_t> RecordMapper::cursorMicros(const json::Value& record) const {
    if (!cursorIndex_) return std::nullopt;
    int ignored = 0;
    const ConversionContext ctx{zone_, preferEarlier_, &ignored};
    std::optional<std::int64_t> micros;
    try {
        const ColumnSpec& c = spec_.columns[*cursorIndex_];
        mapColumn(c, record, c.name, c.sourcePath, ctx, &micros);
    } catch (const RecordError&) {
        return std::nullopt;
    }
    return micros;
}

}  // namespace intouch
