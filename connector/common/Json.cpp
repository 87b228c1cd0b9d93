#include "common/Json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>

namespace intouch::json {

const char* typeName(Type t) {
    switch (t) {
        case Type::Null: return "null";
        case Type::Bool: return "boolean";
        case Type::Number: return "number";
        case Type::String: return "string";
        case Type::Array: return "array";
        case Type::Object: return "object";
    }
    return "?";
}

Value::Value(const Value& other)
    : bool_(other.bool_), rawLength_(other.rawLength_), rawOffset_(other.rawOffset_) {
    switch (other.type_) {
        case Type::Number:
        case Type::String: new (&text_) std::string(other.text_); break;
        case Type::Array: new (&items_) std::vector<Value>(other.items_); break;
        case Type::Object: new (&members_) std::vector<Member>(other.members_); break;
        case Type::Null:
        case Type::Bool: break;
    }
    type_ = other.type_;
}

Value& Value::operator=(const Value& other) {
    if (this != &other) *this = Value(other);
    return *this;
}

Value& Value::operator=(Value&& other) noexcept {
    if (this == &other) return *this;
    // `other` may live inside this value (v = std::move(v.items()[0])): take it
    // out before this value's contents are destroyed.
    Value taken(std::move(other));
    destroyContents();
    bool_ = taken.bool_;
    rawLength_ = taken.rawLength_;
    rawOffset_ = taken.rawOffset_;
    takeContents(std::move(taken));
    return *this;
}

Value Value::makeBool(bool b) {
    Value v;
    v.type_ = Type::Bool;
    v.bool_ = b;
    return v;
}

Value Value::makeNumber(std::string lexical) {
    Value v;
    v.become(Type::Number);
    v.text_ = std::move(lexical);
    return v;
}

Value Value::makeString(std::string s) {
    Value v;
    v.become(Type::String);
    v.text_ = std::move(s);
    return v;
}

Value Value::makeArray(std::vector<Value> items) {
    Value v;
    v.become(Type::Array);
    v.items_ = std::move(items);
    return v;
}

Value Value::makeObject(std::vector<Member> members) {
    Value v;
    v.become(Type::Object);
    v.members_ = std::move(members);
    return v;
}

namespace {
[[noreturn]] void mismatch(Type have, Type want) {
    throw std::logic_error(std::string("JSON value is ") + typeName(have) + ", not " +
                           typeName(want));
}
}  // namespace

bool Value::asBool() const {
    if (type_ != Type::Bool) mismatch(type_, Type::Bool);
    return bool_;
}
const std::string& Value::numberText() const {
    if (type_ != Type::Number) mismatch(type_, Type::Number);
    return text_;
}
const std::string& Value::asString() const {
    if (type_ != Type::String) mismatch(type_, Type::String);
    return text_;
}
const std::vector<Value>& Value::items() const {
    if (type_ != Type::Array) mismatch(type_, Type::Array);
    return items_;
}
std::vector<Value>& Value::items() {
    if (type_ != Type::Array) mismatch(type_, Type::Array);
    return items_;
}
const std::vector<Member>& Value::members() const {
    if (type_ != Type::Object) mismatch(type_, Type::Object);
    return members_;
}
std::vector<Member>& Value::members() {
    if (type_ != Type::Object) mismatch(type_, Type::Object);
    return members_;
}

const Value* Value::find(std::string_view key) const {
    if (type_ != Type::Object) return nullptr;
    // Lengths first: most keys of a record differ in length, and memcmp per member
    // was a visible share of mapping.
    for (const auto& m : members_)
        if (m.first.size() == key.size() &&
            std::memcmp(m.first.data(), key.data(), key.size()) == 0)
            return &m.second;
    return nullptr;
}

bool Value::toInt64(std::int64_t& out) const {
    if (type_ != Type::Number) return false;
    if (text_.find_first_of(".eE") != std::string::npos) return false;
    const char* b = text_.data();
    const char* e = b + text_.size();
    auto [p, ec] = std::from_chars(b, e, out);
    return ec == std::errc() && p == e;
}

void appendQuoted(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    // Runs that need no escape are appended whole; per-character appends made
    // this a visible share of mapping (record hash input, jsonb columns).
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = i;
        while (run < s.size()) {
            const auto c = static_cast<unsigned char>(s[run]);
            if (c < 0x20 || c == '"' || c == '\\') break;
            ++run;
        }
        out.append(s.data() + i, run - i);
        if (run == s.size()) break;
        const auto c = static_cast<unsigned char>(s[run]);
        i = run + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:  // the other control characters
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xF]);
        }
    }
    out.push_back('"');
}

void Value::appendJson(std::string& out) const {
    // No text: no node has a canonical span to copy, so every node is written.
    appendJsonFrom(out, {});
}

void Value::appendJsonFrom(std::string& out, std::string_view text) const {
    const std::string_view canonical = canonicalText(text);
    if (!canonical.empty()) {
        out.append(canonical);
        return;
    }
    switch (type_) {
        case Type::Null: out += "null"; break;
        case Type::Bool: out += bool_ ? "true" : "false"; break;
        case Type::Number: out += text_; break;
        case Type::String: appendQuoted(out, text_); break;
        case Type::Array: {
            out.push_back('[');
            bool first = true;
            for (const auto& v : items_) {
                if (!first) out.push_back(',');
                first = false;
                v.appendJsonFrom(out, text);
            }
            out.push_back(']');
            break;
        }
        case Type::Object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [k, v] : members_) {
                if (!first) out.push_back(',');
                first = false;
                appendQuoted(out, k);
                out.push_back(':');
                v.appendJsonFrom(out, text);
            }
            out.push_back('}');
            break;
        }
    }
}

std::optional<Value::Span> Value::canonicalSpan() const {
    if (rawLength_ == 0) return std::nullopt;
    return Span{rawOffset_, rawLength_};
}

std::string_view Value::canonicalText(std::string_view text) const {
    if (rawLength_ == 0 || rawOffset_ > text.size() || rawLength_ > text.size() - rawOffset_)
        return {};
    return text.substr(rawOffset_, rawLength_);
}

std::string Value::toJson() const {
    std::string out;
    appendJson(out);
    return out;
}

bool operator==(const Value& a, const Value& b) {
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
        case Type::Null: return true;
        case Type::Bool: return a.bool_ == b.bool_;
        case Type::Number:
        case Type::String: return a.text_ == b.text_;
        case Type::Array: return a.items_ == b.items_;
        case Type::Object: return a.members_ == b.members_;
    }
    return false;
}

ParseError::ParseError(std::size_t offset, const std::string& message)
    : std::runtime_error("invalid JSON at byte " + std::to_string(offset) + ": " + message),
      offset_(offset) {}

}  // namespace intouch::json
