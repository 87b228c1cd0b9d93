#include "JsonWriter.h"

#include <charconv>
#include <cstdlib>

namespace intouch::sim {
namespace json {

void appendString(std::string& out, std::string_view s) {
    static const char* const hex = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    std::size_t runStart = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + runStart, i - runStart);
        runStart = i + 1;
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            case '\b':
                out.append("\\b");
                break;
            case '\f':
                out.append("\\f");
                break;
            default:
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xF]);
        }
    }
    out.append(s.data() + runStart, s.size() - runStart);
    out.push_back('"');
}

void appendInt(std::string& out, int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out.append(buf, end);
}

void appendDecimal(std::string& out, int64_t cents) {
    // Work on the magnitude as unsigned so INT64_MIN does not overflow.
    uint64_t mag = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
    if (cents < 0) out.push_back('-');
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, mag / 100);
    (void)ec;
    out.append(buf, end);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + (mag % 100) / 10));
    out.push_back(static_cast<char>('0' + mag % 10));
}

void appendBool(std::string& out, bool v) {
    out.append(v ? "true" : "false");
}

std::string quote(std::string_view s) {
    std::string out;
    appendString(out, s);
    return out;
}

}  // namespace json

void JsonBuilder::beforeValue() {
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!hasItems_.empty()) {
        if (hasItems_.back()) out_.push_back(',');
        hasItems_.back() = true;
    }
}

JsonBuilder& JsonBuilder::beginObject() {
    beforeValue();
    out_.push_back('{');
    hasItems_.push_back(false);
    return *this;
}

JsonBuilder& JsonBuilder::endObject() {
    out_.push_back('}');
    hasItems_.pop_back();
    return *this;
}

JsonBuilder& JsonBuilder::beginArray() {
    beforeValue();
    out_.push_back('[');
    hasItems_.push_back(false);
    return *this;
}

JsonBuilder& JsonBuilder::endArray() {
    out_.push_back(']');
    hasItems_.pop_back();
    return *this;
}

JsonBuilder& JsonBuilder::key(std::string_view k) {
    beforeValue();
    json::appendString(out_, k);
    out_.push_back(':');
    afterKey_ = true;
    return *this;
}

JsonBuilder& JsonBuilder::str(std::string_view s) {
    beforeValue();
    json::appendString(out_, s);
    return *this;
}

JsonBuilder& JsonBuilder::num(int64_t v) {
    beforeValue();
    json::appendInt(out_, v);
    return *this;
}

JsonBuilder& JsonBuilder::decimal(int64_t cents) {
    beforeValue();
    json::appendDecimal(out_, cents);
    return *this;
}

JsonBuilder& JsonBuilder::boolean(bool v) {
    beforeValue();
    json::appendBool(out_, v);
    return *this;
}

JsonBuilder& JsonBuilder::null() {
    beforeValue();
    out_.append("null");
    return *this;
}

JsonBuilder& JsonBuilder::raw(std::string_view jsonText) {
    beforeValue();
    out_.append(jsonText);
    return *this;
}

}  // namespace intouch::sim
