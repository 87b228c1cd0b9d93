#pragma once
// A small JSON document model that keeps numbers as their exact lexical text.
// Why not Poco::JSON on records: its parser turns every number into a double or
// int64, so 10500.00 comes back as 10500 (scale lost) and 12345678901234567890.1
// as the nearest double (digits lost); the mapper must see the digits the CRM
// sent (numeric columns, record_hash), so pages are parsed into this model.
//
// parse() runs on simdjson's On-Demand API (Debian libsimdjson-dev, see
// JsonParser.cpp): simdjson finds the structure, checks UTF-8 and unescapes
// strings; numbers are taken as their raw token, so nothing is converted. What
// simdjson does not do by itself is done around it: the depth limit, error
// offsets, the U+FFFD repair of invalid UTF-8 (simdjson refuses such a text: it
// is repaired and parsed again, and offsets are mapped back to the caller's
// text), and canonical spans. Duplicate keys are all kept, in received order;
// find() returns the first.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intouch::json {

enum class Type : std::uint8_t { Null, Bool, Number, String, Array, Object };

const char* typeName(Type t);

class Value;
namespace detail {
class Parser;
}
using Member = std::pair<std::string, Value>;

class Value {
public:
    Value() noexcept {}  // null
    Value(const Value& other);
    Value(Value&& other) noexcept
        : bool_(other.bool_), rawLength_(other.rawLength_), rawOffset_(other.rawOffset_) {
        takeContents(std::move(other));
    }
    Value& operator=(const Value& other);
    Value& operator=(Value&& other) noexcept;
    ~Value() { destroyContents(); }

    static Value makeBool(bool b);
    static Value makeNumber(std::string lexical);  // caller guarantees valid JSON number text
    static Value makeString(std::string s);
    static Value makeArray(std::vector<Value> items = {});
    static Value makeObject(std::vector<Member> members = {});

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isBool() const { return type_ == Type::Bool; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }

    // Accessors throw std::logic_error on a type mismatch: callers check type() first.
    bool asBool() const;
    const std::string& numberText() const;  // exactly as received, e.g. "10500.00", "-1e3"
    const std::string& asString() const;    // decoded UTF-8
    const std::vector<Value>& items() const;
    std::vector<Value>& items();
    const std::vector<Member>& members() const;  // in received order
    std::vector<Member>& members();

    // Object lookup; nullptr when this is not an object or has no such key.
    const Value* find(std::string_view key) const;
    // Integer view of a number without fraction or exponent; false if not representable.
    bool toInt64(std::int64_t& out) const;

    // Compact serialization; members keep their order, numbers their text.
    std::string toJson() const;
    void appendJson(std::string& out) const;
    // appendJson, except that an object or array whose canonicalText(text) is known is
    // copied from `text` instead of serialized again: the same bytes, cheaper. For a
    // value parsed from `text`, or a copy of one changed only through code that calls
    // forgetCanonicalSpan() on every object and array it changed and on all that hold
    // them (PersonalData's scrub).
    void appendJsonFrom(std::string& out, std::string_view text) const;

    // For an object or array from parse(): where in the parsed text it was, when
    // those bytes are exactly what toJson() produces (no whitespace between
    // tokens, no escape toJson() writes another way, valid UTF-8). A caller that
    // still holds the text can then use the bytes instead of re-serializing.
    // Only meaningful against the very text this value was parsed from; nullopt
    // for values built in code or received in another form.
    struct Span {
        std::size_t offset;
        std::size_t length;
    };
    std::optional<Span> canonicalSpan() const;
    // The canonical bytes in `text` when canonicalSpan() fits in it; otherwise empty.
    std::string_view canonicalText(std::string_view text) const;
    // For code that changes a parsed object or array (or a copy of one) in place: its
    // bytes in the text are no longer its compact form. Spans are not dropped by the
    // mutable accessors themselves, so a caller that changes a value through them must
    // call this on the value and on every container above it.
    void forgetCanonicalSpan() {
        rawLength_ = 0;
        rawOffset_ = 0;
    }

    friend bool operator==(const Value& a, const Value& b);

private:
    friend class detail::Parser;
    Type type_ = Type::Null;
    bool bool_ = false;
    std::uint32_t rawLength_ = 0;  // canonicalSpan(); 0 = none (no JSON text is empty)
    std::size_t rawOffset_ = 0;
    // Only the member for type_ lives (none for null and bool): a page holds
    // about a hundred thousand values, and a Value with all three was twice the
    // size, which every allocation, move and destruction of the tree paid for.
    union {
        std::string text_;  // number lexical form or string contents
        std::vector<Value> items_;
        std::vector<Member> members_;
    };

    // Makes this an empty value of type t (its old contents destroyed).
    void become(Type t) {
        destroyContents();
        switch (t) {
            case Type::Number:
            case Type::String: new (&text_) std::string(); break;
            case Type::Array: new (&items_) std::vector<Value>(); break;
            case Type::Object: new (&members_) std::vector<Member>(); break;
            case Type::Null:
            case Type::Bool: break;
        }
        type_ = t;
    }
    // Requires that no member lives: takes other's, leaving other's moved-from.
    void takeContents(Value&& other) noexcept {
        switch (other.type_) {
            case Type::Number:
            case Type::String: new (&text_) std::string(std::move(other.text_)); break;
            case Type::Array: new (&items_) std::vector<Value>(std::move(other.items_)); break;
            case Type::Object: new (&members_) std::vector<Member>(std::move(other.members_)); break;
            case Type::Null:
            case Type::Bool: break;
        }
        type_ = other.type_;
    }
    void destroyContents() noexcept {
        switch (type_) {
            case Type::Number:
            case Type::String: text_.~basic_string(); break;
            case Type::Array: items_.~vector(); break;
            case Type::Object: members_.~vector(); break;
            case Type::Null:
            case Type::Bool: break;
        }
        type_ = Type::Null;
    }
};

class ParseError : public std::runtime_error {
public:
    ParseError(std::size_t offset, const std::string& message);
    std::size_t offset() const { return offset_; }

private:
    std::size_t offset_;
};

struct ParseStats {
    std::size_t invalidUtf8Bytes = 0;  // bytes replaced by U+FFFD
};

// Parses one complete JSON text (RFC 8259). Rejects trailing garbage, invalid
// escapes and unpaired surrogates. Invalid UTF-8 inside strings is replaced by
// U+FFFD (one per bad byte, counted in stats) rather than failing the page, so
// nothing downstream has to guess at an encoding.
Value parse(std::string_view text, ParseStats* stats = nullptr);

// Appends s as a JSON string literal (quotes included).
void appendQuoted(std::string& out, std::string_view s);

}  // namespace intouch::json
