#include "common/Json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
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

Value Value::makeBool(bool b) {
    Value v;
    v.type_ = Type::Bool;
    v.bool_ = b;
    return v;
}

Value Value::makeNumber(std::string lexical) {
    Value v;
    v.type_ = Type::Number;
    v.text_ = std::move(lexical);
    return v;
}

Value Value::makeString(std::string s) {
    Value v;
    v.type_ = Type::String;
    v.text_ = std::move(s);
    return v;
}

Value Value::makeArray(std::vector<Value> items) {
    Value v;
    v.type_ = Type::Array;
    v.items_ = std::move(items);
    return v;
}

Value Value::makeObject(std::vector<Member> members) {
    Value v;
    v.type_ = Type::Object;
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
                v.appendJson(out);
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
                v.appendJson(out);
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

namespace detail {

// Recursive descent over the whole buffer; depth is capped so that a hostile
// body cannot exhaust the stack.
class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    Value document(ParseStats* stats) {
        skipSpace();
        Value v = value(0);
        skipSpace();
        if (pos_ != s_.size()) fail("unexpected data after the JSON value");
        if (stats) stats->invalidUtf8Bytes = invalidUtf8_;
        return v;
    }

private:
    static constexpr int kMaxDepth = 256;
    std::string_view s_;
    std::size_t pos_ = 0;
    std::size_t invalidUtf8_ = 0;
    // Bumped by everything that makes the text differ from toJson()'s output
    // (whitespace, escapes written another way, replaced bytes): a container is
    // canonical when the count did not move while it was read.
    std::size_t nonCanonical_ = 0;
    // Elements of the containers being read, shared by all depths: a container's
    // vector is then allocated once at its final size instead of grown by doubling.
    std::vector<Value> itemStack_;
    std::vector<Member> memberStack_;

    void noteSpan(Value& v, std::size_t start, std::size_t marks) const {
        const std::size_t length = pos_ - start;
        if (marks == nonCanonical_ && length <= UINT32_MAX) {
            v.rawOffset_ = start;
            v.rawLength_ = static_cast<std::uint32_t>(length);
        }
    }

    [[noreturn]] void fail(const std::string& msg) const { throw ParseError(pos_, msg); }

    void skipSpace() {
        const std::size_t start = pos_;
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
                ++pos_;
            else
                break;
        }
        if (pos_ != start) ++nonCanonical_;
    }

    bool eof() const { return pos_ >= s_.size(); }

    Value value(int depth) {
        if (eof()) fail("unexpected end of input");
        if (depth > kMaxDepth) fail("nesting deeper than 256 levels");
        char c = s_[pos_];
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return Value::makeString(string());
            case 't': literal("true"); return Value::makeBool(true);
            case 'f': literal("false"); return Value::makeBool(false);
            case 'n': literal("null"); return Value();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                fail(std::string("unexpected character '") + c + "'");
        }
    }

    void literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) fail("invalid literal");
        pos_ += word.size();
    }

    Value number() {
        std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        if (eof()) fail("truncated number");
        if (s_[pos_] == '0') {
            ++pos_;
        } else if (s_[pos_] >= '1' && s_[pos_] <= '9') {
            while (!eof() && isDigit(s_[pos_])) ++pos_;
        } else {
            fail("invalid number");
        }
        if (!eof() && s_[pos_] == '.') {
            ++pos_;
            if (eof() || !isDigit(s_[pos_])) fail("digit expected after decimal point");
            while (!eof() && isDigit(s_[pos_])) ++pos_;
        }
        if (!eof() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (!eof() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (eof() || !isDigit(s_[pos_])) fail("digit expected in exponent");
            while (!eof() && isDigit(s_[pos_])) ++pos_;
        }
        return Value::makeNumber(std::string(s_.substr(start, pos_ - start)));
    }

    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    unsigned hex4() {
        if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = s_[pos_++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                fail("invalid hex digit in \\u escape");
        }
        return v;
    }

    static void appendUtf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    // Copies one UTF-8 sequence starting at pos_. A malformed sequence becomes
    // U+FFFD (one per bad byte) instead of failing the page: one bad byte in a
    // comment must not stop a whole page of records from arriving.
    void copyUtf8(std::string& out) {
        static constexpr char kReplacement[] = "\xEF\xBF\xBD";
        auto b0 = static_cast<unsigned char>(s_[pos_]);
        int len = 0;
        unsigned cp = 0;
        if (b0 >= 0xC2 && b0 < 0xE0) {
            len = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 < 0xF0) {
            len = 3;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 < 0xF5) {
            len = 4;
            cp = b0 & 0x07;
        }
        bool ok = len > 0 && pos_ + static_cast<std::size_t>(len) <= s_.size();
        for (int i = 1; ok && i < len; ++i) {
            auto b = static_cast<unsigned char>(s_[pos_ + static_cast<std::size_t>(i)]);
            if ((b & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                   (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
            ok = false;
        if (!ok) {
            out.append(kReplacement, 3);
            ++pos_;
            ++invalidUtf8_;
            ++nonCanonical_;
            return;
        }
        out.append(s_.data() + pos_, static_cast<std::size_t>(len));
        pos_ += static_cast<std::size_t>(len);
    }

    std::string string() {
        ++pos_;  // opening quote
        std::string out;
        while (true) {
            // Copy runs of plain ASCII in one go: most CRM text is ASCII.
            std::size_t run = pos_;
            while (run < s_.size()) {
                auto c = static_cast<unsigned char>(s_[run]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++run;
            }
            out.append(s_.data() + pos_, run - pos_);
            pos_ = run;
            if (eof()) fail("unterminated string");
            auto c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20) fail("control character in string");
            if (c >= 0x80) {
                copyUtf8(out);
                continue;
            }
            ++pos_;  // backslash
            if (eof()) fail("unterminated escape");
            char e = s_[pos_++];
            switch (e) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/':  // appendQuoted writes a plain '/'
                    out.push_back('/');
                    ++nonCanonical_;
                    break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    ++nonCanonical_;  // not worth matching appendQuoted's \u00xx exactly
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (s_.substr(pos_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
                        pos_ += 2;
                        unsigned lo = hex4();
                        if (lo < 0xDC00 || lo > 0xDFFF) fail("unpaired surrogate in \\u escape");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        fail("unpaired surrogate in \\u escape");
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default: fail("invalid escape");
            }
        }
    }

    Value array(int depth) {
        const std::size_t start = pos_;
        const std::size_t marks = nonCanonical_;
        ++pos_;
        const std::size_t base = itemStack_.size();
        skipSpace();
        if (!eof() && s_[pos_] == ']') {
            ++pos_;
        } else {
            while (true) {
                skipSpace();
                Value item = value(depth + 1);
                itemStack_.push_back(std::move(item));
                skipSpace();
                if (eof()) fail("unterminated array");
                char c = s_[pos_++];
                if (c == ']') break;
                if (c != ',') fail("',' or ']' expected in array");
            }
        }
        Value v = Value::makeArray(std::vector<Value>(
            std::make_move_iterator(itemStack_.begin() + static_cast<std::ptrdiff_t>(base)),
            std::make_move_iterator(itemStack_.end())));
        itemStack_.erase(itemStack_.begin() + static_cast<std::ptrdiff_t>(base), itemStack_.end());
        noteSpan(v, start, marks);
        return v;
    }

    Value object(int depth) {
        const std::size_t start = pos_;
        const std::size_t marks = nonCanonical_;
        ++pos_;
        const std::size_t base = memberStack_.size();
        skipSpace();
        if (!eof() && s_[pos_] == '}') {
            ++pos_;
        } else {
            while (true) {
                skipSpace();
                if (eof() || s_[pos_] != '"') fail("member name expected in object");
                std::string key = string();
                skipSpace();
                if (eof() || s_[pos_] != ':') fail("':' expected after member name");
                ++pos_;
                skipSpace();
                Value member = value(depth + 1);
                memberStack_.emplace_back(std::move(key), std::move(member));
                skipSpace();
                if (eof()) fail("unterminated object");
                char c = s_[pos_++];
                if (c == '}') break;
                if (c != ',') fail("',' or '}' expected in object");
            }
        }
        Value v = Value::makeObject(std::vector<Member>(
            std::make_move_iterator(memberStack_.begin() + static_cast<std::ptrdiff_t>(base)),
            std::make_move_iterator(memberStack_.end())));
        memberStack_.erase(memberStack_.begin() + static_cast<std::ptrdiff_t>(base),
                           memberStack_.end());
        noteSpan(v, start, marks);
        return v;
    }
};

}  // namespace detail

Value parse(std::string_view text, ParseStats* stats) {
    return detail::Parser(text).document(stats);
}

}  // namespace intouch::json
