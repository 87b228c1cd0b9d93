#include "mapping/RecordMapper.hpp"

#include <atomic>

#include "mapping/ExtraFields.hpp"
#include "mapping/Md5.hpp"
#include "mapping/ValueConverter.hpp"

namespace intouch {

namespace {

// The place of a cursor value in the list order. A value inside the repeated autumn hour
// (both passes, e.g. 00:00Z-02:00Z for 02:00-03:00 Europe/Prague) stands for the start of the
// hour's first pass: a CRM that writes local time without an offset stamps both passes with
// the same text, so within that span the parsed values follow neither the server's order
// nor the order of the edits (found by AutumnHour.*: the answers looked unsorted and the
// stream failed). As one tie group the span sorts correctly against everything around it,
// and sync/RepeatedHour re-reads the group as long as edits can still join it. Only the
// cursor (order, checkpoint) is affected; the column keeps the value as read.
std::int64_t cursorOrderValue(const TimeZone& zone, std::int64_t micros) {
    constexpr std::int64_t kSecond = 1000000, kHour = 3600 * kSecond;
    struct Span {
        std::string zone;
        std::int64_t hour = INT64_MIN;  // the hour bucket this answer is for
        std::int64_t from = 0, to = 0;  // the repeated span, empty when none
    };
    thread_local Span cached;
    const std::int64_t hour = micros >= 0 ? micros / kHour : (micros - kHour + 1) / kHour;
    if (hour != cached.hour || cached.zone != zone.name()) {
        cached = Span{zone.name(), hour, 0, 0};
        // A span holding this value lies within 1 h of the transition, the hour's middle within
        // 1.5 h; real zones change offset at most once in 8 h.
        std::int64_t lo = hour * kHour + kHour / 2 - 4 * kHour, hi = lo + 8 * kHour;
        const int before = zone.offsetSecondsAt(lo), after = zone.offsetSecondsAt(hi);
        if (after < before) {
            while (hi - lo > kSecond) {
                const std::int64_t mid = lo + (hi - lo) / 2;
                (zone.offsetSecondsAt(mid) == before ? lo : hi) = mid;
            }
            const std::int64_t t = hi - hi % kSecond;
            const std::int64_t delta = static_cast<std::int64_t>(before - after) * kSecond;
            cached.from = t - delta;
            cached.to = t + delta;
        }
    }
    return micros >= cached.from && micros < cached.to ? cached.from : micros;
}

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

std::string childPath(const std::string& arrayPath, std::size_t index,
                      const std::string& columnPath) {
    std::string base = arrayPath + "[" + std::to_string(index) + "]";
    if (columnPath == "$") return base;
    if (!columnPath.empty() && columnPath[0] == '$') return base + columnPath.substr(1);
    return base + "." + columnPath;
}

// A path whose consumption does not depend on the record: `$` always takes
// the whole value, a single key takes that member when present (an absent
// member leaves nothing to remove either way). Deeper paths stop at nulls or
// go through filters, which only the record can tell.
bool consumesStatically(const JsonPath& path) {
    return path.isSelf() ||
           (path.steps().size() == 1 && path.steps()[0].kind == PathStep::Kind::Key);
}

void consumeStatic(ExtraFields& consumed, const JsonPath& path) {
    std::vector<ResolvedStep> steps;
    if (!path.isSelf()) steps.push_back({false, path.steps()[0].key, 0});
    consumed.consume(steps);
}

}  // namespace

std::uint64_t RecordMapper::InstanceId::next() {
    static std::atomic<std::uint64_t> counter{1};
    return counter.fetch_add(1, std::memory_order_relaxed);
}

// The member keys of a record a mapper mapped on this thread, and what they mean for it: the
// CRM sends the records of a list with their members in one order (or a few), so comparing
// the keys in order (one short memcmp each) replaces a search of the members per column and a
// lookup per member for `extra`. Exact: a layout is used only when every key equals the one it
// was built from, and then the first member with a column's key, which is what
// JsonPath::find returns, is at the same index.
struct RecordMapper::RecordLayout {
    std::uint64_t mapperId = 0;
    std::vector<std::string> keys;
    std::vector<std::int32_t> columnMember;  // per column: the member index, -1 when absent
    std::vector<const ExtraFields::Node*> extraRules;  // per member, when `extra` is static

    bool fits(const std::vector<json::Member>& members) const {
        if (members.size() != keys.size()) return false;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (members[i].first != keys[i]) return false;
        return true;
    }
};

const RecordMapper::RecordLayout* RecordMapper::layoutOf(const json::Value& record) const {
    if (!anyColumnKey_ || !record.isObject()) return nullptr;
    // A few per thread, any of them for any mapper: the records of one list come in more than
    // one layout (the simulator's parties in two, an optional member absent in about half of
    // them, alternating), and one thread may map pages of several streams in turn.
    constexpr std::size_t kSlots = 8;
    thread_local RecordLayout slots[kSlots];
    thread_local std::size_t nextSlot = 0;
    const auto& members = record.members();
    for (auto& s : slots)
        if (s.mapperId == id_.value && s.fits(members)) return &s;
    RecordLayout* slot = &slots[nextSlot];
    nextSlot = (nextSlot + 1) % kSlots;
    slot->mapperId = 0;  // not valid until built
    slot->keys.clear();
    for (const auto& m : members) slot->keys.push_back(m.first);
    slot->columnMember.assign(columnIsKey_.size(), -1);
    for (std::size_t c = 0; c < columnIsKey_.size(); ++c) {
        if (!columnIsKey_[c]) continue;
        const std::string& key = spec_.columns[c].path.steps()[0].key;
        for (std::size_t i = 0; i < members.size(); ++i)
            if (members[i].first == key) {
                slot->columnMember[c] = static_cast<std::int32_t>(i);
                break;
            }
    }
    slot->extraRules.clear();
    if (recordConsumed_)
        for (const auto& m : members) slot->extraRules.push_back(recordConsumed_->memberRule(m.first));
    slot->mapperId = id_.value;
    return slot;
}

std::string RecordMapper::Place::label() const {
    return child ? child->table + "." + column.name : column.name;
}

std::string RecordMapper::Place::pathLabel() const {
    return child ? childPath(child->sourcePath, index, column.sourcePath) : column.sourcePath;
}

RecordMapper::RecordMapper(const StreamSpec& spec, const TimeZone& sourceZone)
    : spec_(spec),
      zone_(sourceZone),
      preferEarlier_(spec.ambiguousTime != "later"),
      personal_(spec) {
    for (std::size_t i = 0; i < spec_.columns.size(); ++i)
        if (!spec_.cursorColumn.empty() && spec_.columns[i].name == spec_.cursorColumn)
            cursorIndex_ = i;
    for (const auto& k : spec_.primaryKey)
        for (std::size_t i = 0; i < spec_.columns.size(); ++i)
            if (spec_.columns[i].name == k) keyIndexes_.push_back(i);
    valueColumnCount_ = spec_.valueColumns().size();

    bool recordStatic = true;
    for (const auto& c : spec_.columns) recordStatic = recordStatic && consumesStatically(c.path);
    for (const auto& child : spec_.children)
        recordStatic = recordStatic && consumesStatically(child.path);
    if (recordStatic) {
        recordConsumed_.emplace();
        for (const auto& c : spec_.columns) consumeStatic(*recordConsumed_, c.path);
        for (const auto& child : spec_.children) consumeStatic(*recordConsumed_, child.path);
    }
    for (const auto& c : spec_.columns) {
        const bool oneKey =
            c.path.steps().size() == 1 && c.path.steps()[0].kind == PathStep::Kind::Key;
        columnIsKey_.push_back(oneKey);
        anyColumnKey_ = anyColumnKey_ || oneKey;
    }
    for (const auto& child : spec_.children) {
        std::optional<ExtraFields>& consumed = elementConsumed_.emplace_back();
        bool elementStatic = true;
        for (const auto& c : child.columns)
            elementStatic = elementStatic && consumesStatically(c.path);
        if (!elementStatic) continue;
        consumed.emplace();
        for (const auto& c : child.columns) consumeStatic(*consumed, c.path);
    }
}

std::optional<std::string> RecordMapper::mapColumn(const Place& place, const json::Value& base,
                                                   const ConversionContext& ctx,
                                                   std::optional<std::int64_t>* instant) const {
    return mapFound(place, place.column.path.find(base), ctx, instant);
}

std::optional<std::string> RecordMapper::mapFound(const Place& place, const json::Value* found,
                                                  const ConversionContext& ctx,
                                                  std::optional<std::int64_t>* instant) const {
    static const json::Value kNull;
    const ColumnSpec& c = place.column;
    // Points into the record or the spec; a copy is made only when a transform rewrites it.
    const json::Value* v = found ? found : &kNull;
    std::optional<json::Value> transformed;
    if (!c.transforms.empty()) {
        transformed = *v;
        for (auto t : c.transforms) applyTransform(t, *transformed);
        v = &*transformed;
    }
    if (!c.valueMap.empty() && !v->isNull()) {
        auto key = scalarText(*v);
        auto it = key ? c.valueMap.find(*key) : c.valueMap.end();
        if (it != c.valueMap.end()) {
            v = &it->second;
        } else if (c.mapStrict) {
            const std::string label = place.label();
            throw RecordError(
                label, describe(label, place.pathLabel()) +
                           ": value is not in the column's map (map_strict); value: " + shown(*v));
        }
    }
    if (v->isNull() && c.defaultValue) v = &*c.defaultValue;
    if (v->isNull()) {
        if (c.required) {
            const std::string label = place.label();
            throw RecordError(label, describe(label, place.pathLabel()) + ": required but " +
                                         (found && found->isNull() ? "null"
                                          : found                  ? "null after transforms"
                                                                   : "missing"));
        }
        return std::nullopt;
    }
    try {
        std::string text = convertValue(*v, c.type, ctx);
        if (instant) *instant = instantMicros(*v, ctx);
        return text;
    } catch (const ConversionError& e) {
        const std::string label = place.label();
        throw RecordError(
            label, describe(label, place.pathLabel()) + ": " + e.what() + "; value: " + shown(*v));
    }
}

MappedRow RecordMapper::mapElement(std::size_t ci, std::size_t idx, const json::Value& element,
                                   const std::vector<std::string>& parentKey,
                                   const ConversionContext& ctx, int* replaced,
                                   std::vector<ResolvedStep>& steps) const {
    const ChildSpec& child = spec_.children[ci];
    MappedRow row;
    row.reserve(parentKey.size() + 2 + child.columns.size());
    for (const auto& k : parentKey) row.emplace_back(k);
    row.emplace_back(std::to_string(idx));
    const std::optional<ExtraFields>& fixed = elementConsumed_[ci];
    ExtraFields elementConsumed;
    for (const auto& col : child.columns) {
        row.push_back(mapColumn(Place{col, &child, idx}, element, ctx, nullptr));
        if (!fixed && col.path.resolve(element, steps)) elementConsumed.consume(steps);
    }
    if (child.extraColumn.empty()) return row;
    try {
        // Every path stops at a null element and so consumes all of it.
        if (!fixed)
            row.push_back(elementConsumed.remainderJsonb(element, replaced));
        else if (!(element.isNull() && !child.columns.empty()))
            row.push_back(fixed->remainderJsonb(element, replaced));
        else
            row.emplace_back(std::nullopt);
    } catch (const ConversionError& e) {
        // A number jsonb cannot hold in the element's unmapped part: the
        // record is rejected like any other that cannot be converted.
        const std::string column = child.table + "." + child.extraColumn;
        throw RecordError(column, "column '" + column + "' (unmapped fields of " +
                                      child.sourcePath + "[" + std::to_string(idx) +
                                      "]): " + e.what());
    }
    return row;
}

MappedRecord RecordMapper::map(const json::Value& received, std::string_view sourceText) const {
    // With personal data declared, everything below -- record_hash included -- reads the
    // scrubbed copy, never the values as received (a record the rules do not change is
    // read as received). The copy keeps the canonical spans of what the scrub left
    // alone, so record_hash still copies those parts from `sourceText`.
    std::optional<json::Value> scrubbed;
    if (personal_.any() && received.isObject() && personal_.changes(received))
        scrubbed = personal_.scrub(received);
    const json::Value& record = scrubbed ? *scrubbed : received;
    if (!record.isObject())
        throw RecordError("", std::string("the record is a JSON ") + json::typeName(record.type()) +
                                  ", not an object; value: " + shown(record));
    MappedRecord out;
    const ConversionContext ctx{zone_, preferEarlier_, &out.replacedNulChars};
    ExtraFields dynamicConsumed;
    const bool resolvePaths = !recordConsumed_;
    const ExtraFields& consumed = resolvePaths ? dynamicConsumed : *recordConsumed_;
    std::vector<ResolvedStep> steps;

    const RecordLayout* layout = layoutOf(record);
    const auto& members = record.members();
    out.values.reserve(valueColumnCount_);
    for (std::size_t i = 0; i < spec_.columns.size(); ++i) {
        const ColumnSpec& c = spec_.columns[i];
        const bool isCursor = cursorIndex_ && *cursorIndex_ == i;
        const json::Value* found = nullptr;
        if (layout && columnIsKey_[i]) {
            const std::int32_t at = layout->columnMember[i];
            found = at < 0 ? nullptr : &members[static_cast<std::size_t>(at)].second;
        } else {
            found = c.path.find(record);
        }
        out.values.push_back(
            mapFound(Place{c}, found, ctx, isCursor ? &out.cursorMicros : nullptr));
        if (resolvePaths && c.path.resolve(record, steps)) dynamicConsumed.consume(steps);
    }
    if (out.cursorMicros) out.cursorMicros = cursorOrderValue(zone_, *out.cursorMicros);
    for (std::size_t k : keyIndexes_) out.keyValues.push_back(out.values[k].value_or(""));

    out.children.resize(spec_.children.size());
    for (std::size_t ci = 0; ci < spec_.children.size(); ++ci) {
        const ChildSpec& child = spec_.children[ci];
        if (resolvePaths && child.path.resolve(record, steps)) dynamicConsumed.consume(steps);
        const json::Value* array = child.path.find(record);
        if (!array || array->isNull()) continue;
        if (!array->isArray())
            throw RecordError(child.table,
                              "child table '" + child.table + "' (from '" + child.sourcePath +
                                  "'): expected a JSON array, got a JSON " +
                                  json::typeName(array->type()) + "; value: " + shown(*array));
        const auto& items = array->items();
        for (std::size_t idx = 0; idx < items.size(); ++idx)
            out.children[ci].push_back(
                mapElement(ci, idx, items[idx], out.keyValues, ctx, &out.replacedNulChars, steps));
    }

    try {
        if (!spec_.extraColumn.empty()) {
            out.values.push_back(layout && !resolvePaths
                                     ? consumed.remainderJsonb(record, layout->extraRules,
                                                               &out.replacedNulChars)
                                     : consumed.remainderJsonb(record, &out.replacedNulChars));
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
    // The same digest either way: the received bytes are used only when they are
    // exactly the compact form (json::Value::canonicalText), whole or, for a scrubbed
    // record, for the parts the scrub left alone (appendJsonFrom).
    const std::string_view canonical = record.canonicalText(sourceText);
    if (!canonical.empty() && canonical.front() == '{') {
        out.hash = md5Hex(canonical);
    } else {
        thread_local std::string compact;
        compact.clear();
        record.appendJsonFrom(compact, sourceText);
        out.hash = md5Hex(compact);
        if (compact.capacity() > (1u << 20)) std::string().swap(compact);
    }
    return out;
}

std::string RecordMapper::storableJson(const json::Value& record) const {
    return personal_.any() && record.isObject() ? personal_.scrub(record).toJson()
                                                : record.toJson();
}

std::string RecordMapper::describeKey(const json::Value& record) const {
    int ignored = 0;
    const ConversionContext ctx{zone_, preferEarlier_, &ignored};
    std::vector<std::string> values;
    for (std::size_t k : keyIndexes_) {
        const ColumnSpec& c = spec_.columns[k];
        std::optional<std::string> text;
        try {
            text = mapColumn(Place{c}, record, ctx, nullptr);
        } catch (const RecordError&) {
            if (const json::Value* v = c.path.find(record)) text = scalarText(*v);
        }
        if (!text) return "";
        values.push_back(std::move(*text));
    }
    return keyText(spec_.primaryKey, values);
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
        mapColumn(Place{c}, record, ctx, &micros);
    } catch (const RecordError&) {
        return std::nullopt;
    }
    if (micros) micros = cursorOrderValue(zone_, *micros);
    return micros;
}

}  // namespace intouch
