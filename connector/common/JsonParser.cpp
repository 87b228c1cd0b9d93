// json::parse on simdjson's On-Demand API (Debian libsimdjson-dev): simdjson finds
// the structure, validates UTF-8 and unescapes strings; this file builds the
// json::Value tree from it and keeps the guarantees of Json.hpp that simdjson does
// not give by itself:
// - numbers are taken as their raw token (raw_json_token) and checked against the
//   RFC 8259 grammar here, since On-Demand validates a number only when asked for
//   its binary value, which would lose the text;
// - the depth limit (kMaxDepth) and the messages and offsets of ParseError;
// - invalid UTF-8 inside strings becomes U+FFFD, one per bad byte (simdjson
//   rejects the whole text instead): see repairStrings();
// - canonical spans: see Parser::container().
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>

#include "common/Json.hpp"

namespace intouch::json {
namespace detail {

namespace od = simdjson::ondemand;

namespace {

constexpr int kMaxDepth = 256;
constexpr std::size_t kNotCanonical = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kNowhere = std::numeric_limits<std::size_t>::max();

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 8259 number grammar, the whole token.
bool isJsonNumber(std::string_view t) {
    std::size_t i = 0;
    const std::size_t n = t.size();
    if (i < n && t[i] == '-') ++i;
    if (i == n) return false;
    if (t[i] == '0') {
        ++i;
    } else if (t[i] >= '1' && t[i] <= '9') {
        while (i < n && isDigit(t[i])) ++i;
    } else {
        return false;
    }
    if (i < n && t[i] == '.') {
        ++i;
        if (i == n || !isDigit(t[i])) return false;
        while (i < n && isDigit(t[i])) ++i;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
        if (i == n || !isDigit(t[i])) return false;
        while (i < n && isDigit(t[i])) ++i;
    }
    return i == n;
}

// Length of a well-formed UTF-8 sequence at s[i], 0 if the byte there does not
// start one (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8SequenceAt(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
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
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return len;
}

// What a byte-level pass over the text found, for errors simdjson reports
// without a position (its first stage checks the whole text before any value is
// read) and for the repair of invalid UTF-8.
struct TextScan {
    std::size_t controlInString = kNowhere;  // first raw control character inside a string
    std::size_t badOutsideString = kNowhere;  // first byte invalid UTF-8 not repairable
    bool unterminatedString = false;
};

// Copies `text` into `out`, replacing every byte of invalid UTF-8 inside a string
// by U+FFFD (EF BF BD), and records where each replacement starts in `out`.
// Only strings are repaired: a bad byte elsewhere is a syntax error anyway and is
// left for simdjson to reject. The replacement has the old parser's rule: a
// malformed sequence costs one U+FFFD per byte, so a truncated 3-byte sequence
// becomes 2 or 3 of them, never silently dropped.
TextScan repairStrings(std::string_view text, std::string* out, std::vector<std::size_t>* repairs) {
    static constexpr char kReplacement[] = "\xEF\xBF\xBD";
    TextScan scan;
    bool inString = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (!inString) {
            if (c == '"') inString = true;
            if (u >= 0x80 && scan.badOutsideString == kNowhere) scan.badOutsideString = i;
            if (out) out->push_back(c);
            ++i;
            continue;
        }
        if (c == '"') {
            inString = false;
        } else if (c == '\\') {
            if (out) out->push_back(c);
            ++i;
            if (i == text.size()) break;
            // An escape never takes a non-ASCII byte: simdjson rejects it.
            if (static_cast<unsigned char>(text[i]) >= 0x80 && scan.badOutsideString == kNowhere)
                scan.badOutsideString = i;
            if (out) out->push_back(text[i]);
            ++i;
            continue;
        } else if (u < 0x20) {
            if (scan.controlInString == kNowhere) scan.controlInString = i;
        } else if (u >= 0x80) {
            const std::size_t len = utf8SequenceAt(text, i);
            if (len == 0) {
                if (out) {
                    repairs->push_back(out->size());
                    out->append(kReplacement, 3);
                }
                ++i;
            } else {
                if (out) out->append(text.data() + i, len);
                i += len;
            }
            continue;
        }
        if (out) out->push_back(c);
        ++i;
    }
    scan.unterminatedString = inString;
    return scan;
}

// Bracket structure of a text simdjson refused, for the error message: the
// innermost array or object still open at the end ("unterminated ..."; simdjson
// may notice a missing bracket before any value is read), or where data follows
// a complete root array or object.
struct Brackets {
    const char* unclosed = "value";
    std::size_t trailingData = kNowhere;
};
Brackets bracketsOf(std::string_view text) {
    Brackets result;
    std::vector<char> open;
    bool inString = false;
    bool rootClosed = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            open.push_back(c);
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
            if (open.empty() && !rootClosed) {
                rootClosed = true;
                std::size_t j = i + 1;
                while (j < text.size() && isSpace(text[j])) ++j;
                if (j < text.size()) result.trailingData = j;
            }
        }
    }
    if (inString)
        result.unclosed = "string";
    else if (!open.empty())
        result.unclosed = open.back() == '[' ? "array" : "object";
    return result;
}

// How many elements the last array, and members the last object, at each depth
// had. The records of a list have the same members, or nearly (an optional one
// absent), so a container's vector is reserved from its predecessor's count
// and its elements are built in place, where they stay: the parser used to
// collect them on a stack and move each into a vector of the right size, and
// those moves (a key and a value per member) cost more than the allocation they
// saved. A wrong hint costs a regrowth or a little unused capacity, never more
// than kMaxReserved elements.
struct SizeHints {
    static constexpr std::uint32_t kMaxReserved = 1024;
    std::uint32_t objects[kMaxDepth + 1] = {};
    std::uint32_t arrays[kMaxDepth + 1] = {};
};

// One reusable parser and padded input buffer per thread: simdjson needs
// SIMDJSON_PADDING readable bytes after the text, and reallocating its index per
// page would cost more than the copy.
struct ThreadState {
    od::parser parser;
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;
    std::string repaired;
    std::vector<std::size_t> repairs;
    SizeHints hints;

    // simdjson's index takes about five bytes per byte of text: kept for pages of
    // the usual size (1000 records, about 1 MB), given back after a larger answer
    // so that one huge page does not stay in memory for the rest of the run.
    static constexpr std::size_t kKeptTextSize = 8u << 20;
    void releaseIfLarge() {
        if (capacity <= kKeptTextSize + kKeptTextSize / 4 + simdjson::SIMDJSON_PADDING) return;
        parser = od::parser();
        buffer.reset();
        capacity = 0;
        std::string().swap(repaired);
        std::vector<std::size_t>().swap(repairs);
    }

    std::string_view load(std::string_view text) {
        if (capacity < text.size() + simdjson::SIMDJSON_PADDING) {
            capacity = text.size() + text.size() / 4 + simdjson::SIMDJSON_PADDING;
            buffer = std::make_unique<char[]>(capacity);
        }
        std::memcpy(buffer.get(), text.data(), text.size());
        std::memset(buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
        return {buffer.get(), text.size()};
    }
};

}  // namespace

// Walks simdjson's On-Demand view of the text and builds the Value tree.
class Parser {
public:
    Parser(std::string_view buffer, std::size_t originalSize, const std::vector<std::size_t>& repairs,
           SizeHints& hints)
        : buf_(buffer), originalSize_(originalSize), repairs_(repairs), hints_(hints) {}

    Value document(od::document& doc) {
        doc_ = &doc;
        od::json_type type = od::json_type::null;
        check(doc.type().get(type), nullptr);
        Value root;
        if (type == od::json_type::array) {
            od::array a;
            const char* start = location();
            check(doc.get_array().get(a), start);
            container(root, a, start, 0);
        } else if (type == od::json_type::object) {
            od::object o;
            const char* start = location();
            check(doc.get_object().get(o), start);
            container(root, o, start, 0);
        } else {
            std::string_view raw;
            check(doc.raw_json_token().get(raw), nullptr);
            scalar(root, type, raw, [&doc](std::string_view& s) { return doc.get_string().get(s); });
            // A scalar's raw token runs up to the next token: any, is trailing data.
            if (raw.data() + raw.size() != buf_.data() + buf_.size())
                fail(offsetOf(raw.data() + raw.size()), "unexpected data after the JSON value");
            return root;
        }
        const char* after = nullptr;
        if (doc.current_location().get(after) == simdjson::SUCCESS)
            fail(offsetOf(after), "unexpected data after the JSON value");
        return root;
    }

private:
    std::string_view buf_;       // the text simdjson reads (repaired when it had to be)
    std::size_t originalSize_;   // size of the caller's text
    const std::vector<std::size_t>& repairs_;  // starts of U+FFFD replacements in buf_
    std::size_t nextRepair_ = 0;  // first replacement not yet inside a visited string
    od::document* doc_ = nullptr;
    const char* containerKind_ = "value";  // for "unterminated array/object"
    SizeHints& hints_;

    // Offset in the caller's text of a position in buf_: each U+FFFD before it
    // added two bytes.
    std::size_t originalOffset(std::size_t at) const {
        if (repairs_.empty()) return at;
        const auto before = std::lower_bound(repairs_.begin(), repairs_.end(), at) - repairs_.begin();
        return at - 2 * static_cast<std::size_t>(before);
    }
    std::size_t offsetOf(const char* p) const {
        return originalOffset(static_cast<std::size_t>(p - buf_.data()));
    }

    [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
        throw ParseError(std::min(offset, originalSize_), message);
    }

    const char* location() const {
        const char* p = nullptr;
        if (doc_->current_location().get(p) != simdjson::SUCCESS) return buf_.data() + buf_.size();
        return p;
    }

    // Turns a simdjson error into a ParseError at the position it stopped at
    // (`at` when the caller knows better).
    void check(simdjson::error_code e, const char* at) const {
        if (e == simdjson::SUCCESS) return;
        const char* p = nullptr;
        const bool atEnd = doc_ == nullptr || doc_->current_location().get(p) != simdjson::SUCCESS;
        std::size_t offset = atEnd ? originalSize_ : offsetOf(p);
        if (at != nullptr && !atEnd) offset = offsetOf(at);
        switch (e) {
            case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: unterminatedOrTrailing();
            case simdjson::STRING_ERROR:
                fail(offset, "invalid escape or unpaired surrogate in string");
            case simdjson::T_ATOM_ERROR:
            case simdjson::F_ATOM_ERROR:
            case simdjson::N_ATOM_ERROR: fail(offset, "invalid literal");
            case simdjson::TAPE_ERROR:
            case simdjson::INCORRECT_TYPE:
                if (atEnd) unterminatedOrTrailing();
                fail(offset, std::string("malformed ") + containerKind_ + " (" +
                                 simdjson::error_message(e) + ")");
            default: fail(offset, simdjson::error_message(e));
        }
    }

    [[noreturn]] void unterminatedOrTrailing() const {
        const Brackets b = bracketsOf(buf_);
        if (b.trailingData != kNowhere && std::string_view(b.unclosed) == "value")
            fail(originalOffset(b.trailingData), "unexpected data after the JSON value");
        fail(originalSize_, std::string("unterminated ") + b.unclosed);
    }

    // True when a U+FFFD replacement lies before `end`: the string just read (the
    // only place replacements are) holds one, so its bytes are not as received.
    bool repairedBefore(const char* end) {
        bool any = false;
        const auto limit = static_cast<std::size_t>(end - buf_.data());
        while (nextRepair_ < repairs_.size() && repairs_[nextRepair_] < limit) {
            ++nextRepair_;
            any = true;
        }
        return any;
    }

    // The string token whose opening quote is at `quote`, up to just before
    // `limit` (the next token: only whitespace and, after a key, ':' lie between).
    static std::string_view stringToken(const char* quote, const char* limit) {
        while (limit > quote && isSpace(limit[-1])) --limit;
        if (limit - quote < 2 || *quote != '"' || limit[-1] != '"') return {};
        return {quote, static_cast<std::size_t>(limit - quote)};
    }

    // Whether the escapes in a string's contents (simdjson has checked them) are
    // the ones appendQuoted writes: \" \\ \b \f \n \r \t, and \u00xx in lower-case
    // hex for the other control characters. \/ and any other \u are written
    // another way by toJson(), so their container gets no canonical span.
    static bool escapesAreCanonical(std::string_view contents) {
        std::size_t i = 0;
        while (true) {
            const void* hit = std::memchr(contents.data() + i, '\\', contents.size() - i);
            if (hit == nullptr) return true;
            i = static_cast<std::size_t>(static_cast<const char*>(hit) - contents.data()) + 1;
            if (i >= contents.size()) return false;
            const char e = contents[i];
            if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                ++i;
                continue;
            }
            if (e != 'u' || contents.size() - i < 5) return false;
            const std::string_view hex = contents.substr(i + 1, 4);
            const char lo = hex[3];
            const bool lowerHexDigit = isDigit(lo) || (lo >= 'a' && lo <= 'f');
            if (hex[0] != '0' || hex[1] != '0' || (hex[2] != '0' && hex[2] != '1') || !lowerHexDigit)
                return false;
            // \u0008 \u0009 \u000a \u000c \u000d have short forms appendQuoted uses.
            if (hex[2] == '0' && (lo == '8' || lo == '9' || lo == 'a' || lo == 'c' || lo == 'd'))
                return false;
            i += 5;
        }
    }

    // Fills a scalar value from its raw token; returns its compact length or
    // kNotCanonical.
    template <typename GetString>
    std::size_t scalar(Value& out, od::json_type type, std::string_view raw, GetString&& getString) {
        const std::string_view token = trimRight(raw);
        switch (type) {
            case od::json_type::number:
                if (!isJsonNumber(token)) fail(offsetOf(raw.data()), "invalid number");
                out.become(Type::Number);
                out.text_.assign(token.data(), token.size());
                return token.size();
            case od::json_type::string: {
                const std::string_view t = stringToken(raw.data(), raw.data() + raw.size());
                // Most CRM strings have no backslash: their bytes are the string
                // (simdjson has checked UTF-8 and refused raw control characters),
                // so simdjson's unescaping copy is skipped for them.
                std::string_view s = t.empty() ? t : t.substr(1, t.size() - 2);
                const bool plain = !t.empty() && std::memchr(s.data(), '\\', s.size()) == nullptr;
                if (!plain) check(getString(s), raw.data());
                out.become(Type::String);
                out.text_.assign(s.data(), s.size());
                if (!repairs_.empty() && repairedBefore(raw.data() + raw.size())) return kNotCanonical;
                if (plain) return t.size();
                return !t.empty() && escapesAreCanonical(t.substr(1, t.size() - 2)) ? t.size()
                                                                                     : kNotCanonical;
            }
            case od::json_type::boolean:
                if (token == "true") {
                    out = Value::makeBool(true);
                } else if (token == "false") {
                    out = Value::makeBool(false);
                } else {
                    fail(offsetOf(raw.data()), "invalid literal");
                }
                return token.size();
            case od::json_type::null:
                if (token != "null") fail(offsetOf(raw.data()), "invalid literal");
                return 4;
            default: fail(offsetOf(raw.data()), "unexpected character");
        }
    }

    std::size_t value(Value& out, od::value v, int depth) {
        const std::string_view raw = v.raw_json_token();
        if (depth > kMaxDepth) fail(offsetOf(raw.data()), "nesting deeper than 256 levels");
        od::json_type type = od::json_type::null;
        if (v.type().get(type) != simdjson::SUCCESS)
            fail(offsetOf(raw.data()), std::string("unexpected character '") + raw.front() + "'");
        if (type == od::json_type::array) {
            od::array a;
            check(v.get_array().get(a), raw.data());
            return container(out, a, raw.data(), depth);
        }
        if (type == od::json_type::object) {
            od::object o;
            check(v.get_object().get(o), raw.data());
            return container(out, o, raw.data(), depth);
        }
        return scalar(out, type, raw, [&v](std::string_view& s) { return v.get_string().get(s); });
    }

    static bool isContainer(const char* token) { return *token == '{' || *token == '['; }

    // Reads the elements of an array or the members of an object.
    // Canonical span: the compact length of the container is added up from its
    // elements' (each known only while all of them are canonical); the text from
    // the opening to the closing bracket is then the compact form exactly when it
    // has that length, since the only thing left that could differ is whitespace
    // between tokens, and whitespace only adds bytes.
    template <typename Container>
    std::size_t container(Value& out, Container& c, const char* start, int depth) {
        constexpr bool isObject = std::is_same_v<Container, od::object>;
        const char* const outerKind = containerKind_;
        containerKind_ = isObject ? "object" : "array";
        std::size_t compact = 2;  // the brackets
        std::size_t count = 0;
        // Elements are built where they stay: `out`'s vector grows only between
        // them, never while one (and what it holds) is being read into.
        std::uint32_t& hint = isObject ? hints_.objects[depth] : hints_.arrays[depth];
        out.become(isObject ? Type::Object : Type::Array);
        if (hint > 0) {
            const std::size_t reserve = std::min<std::size_t>(hint + 2, SizeHints::kMaxReserved);
            if constexpr (isObject)
                out.members_.reserve(reserve);
            else
                out.items_.reserve(reserve);
        }
        for (auto element : c) {
            if constexpr (isObject) {
                od::field field;
                check(std::move(element).get(field), nullptr);
                const char* keyQuote = field.key().raw() - 1;
                // The key runs up to the ':' before the value.
                const char* valueStart = field.value().raw_json_token().data();
                const char* keyEnd = valueStart;
                while (keyEnd > keyQuote && isSpace(keyEnd[-1])) --keyEnd;
                if (keyEnd > keyQuote && keyEnd[-1] == ':') --keyEnd;
                const std::string_view t = stringToken(keyQuote, keyEnd);
                std::string_view key = t.empty() ? t : t.substr(1, t.size() - 2);
                const bool plain = !t.empty() && std::memchr(key.data(), '\\', key.size()) == nullptr;
                if (!plain) check(field.unescaped_key().get(key), keyQuote);
                const bool repaired = !repairs_.empty() && repairedBefore(valueStart);
                if (compact != kNotCanonical) {
                    const bool canonical =
                        !repaired && !t.empty() &&
                        (plain || escapesAreCanonical(t.substr(1, t.size() - 2)));
                    compact = canonical ? compact + t.size() + 1 : kNotCanonical;
                }
                Member& member = out.members_.emplace_back(
                    std::piecewise_construct, std::forward_as_tuple(key.data(), key.size()),
                    std::forward_as_tuple());
                const std::size_t length = value(member.second, field.value(), depth + 1);
                containerKind_ = "object";
                compact = (compact == kNotCanonical || length == kNotCanonical) ? kNotCanonical
                                                                                : compact + length;
            } else {
                od::value item;
                check(std::move(element).get(item), nullptr);
                const std::size_t length = value(out.items_.emplace_back(), item, depth + 1);
                containerKind_ = "array";
                compact = (compact == kNotCanonical || length == kNotCanonical) ? kNotCanonical
                                                                                : compact + length;
            }
            if (count++ > 0 && compact != kNotCanonical) ++compact;  // the comma
        }
        hint = static_cast<std::uint32_t>(std::min<std::size_t>(count, SizeHints::kMaxReserved));
        containerKind_ = outerKind;
        if (compact == kNotCanonical || compact > UINT32_MAX) return kNotCanonical;
        // simdjson now stands on the token after the closing bracket (or at the
        // end): the bracket is the last non-space byte before it.
        const char* end = location();
        while (end > start && isSpace(end[-1])) --end;
        if (static_cast<std::size_t>(end - start) != compact) return kNotCanonical;
        out.rawOffset_ = offsetOf(start);
        out.rawLength_ = static_cast<std::uint32_t>(compact);
        return compact;
    }
};

}  // namespace detail

Value parse(std::string_view text, ParseStats* stats) {
    using namespace detail;
    thread_local ThreadState state;
    struct Release {  // also when the text is refused
        ThreadState& state;
        ~Release() { state.releaseIfLarge(); }
    } release{state};
    std::string_view buffer = state.load(text);
    state.repairs.clear();

    od::document doc;
    simdjson::error_code e = state.parser.iterate(buffer, state.capacity).get(doc);
    if (e == simdjson::UTF8_ERROR) {
        // Rare: only a text that fails simdjson's UTF-8 check pays for this copy.
        // The repaired text is parsed instead; every offset found in it (spans,
        // errors) is mapped back to the caller's text, and no container holding a
        // replacement gets a canonical span (its bytes are not the ones received).
        state.repaired.clear();
        const TextScan scan = repairStrings(text, &state.repaired, &state.repairs);
        if (scan.badOutsideString != kNowhere)
            throw ParseError(scan.badOutsideString, "invalid UTF-8 outside a string");
        buffer = state.load(state.repaired);
        e = state.parser.iterate(buffer, state.capacity).get(doc);
    }
    if (e != simdjson::SUCCESS) {
        // simdjson's first stage does not say where; find it the slow way.
        const TextScan scan = repairStrings(text, nullptr, nullptr);
        if (scan.controlInString != kNowhere)
            throw ParseError(scan.controlInString, "control character in string");
        if (scan.unterminatedString) throw ParseError(text.size(), "unterminated string");
        if (e == simdjson::EMPTY) throw ParseError(text.size(), "unexpected end of input");
        throw ParseError(0, simdjson::error_message(e));
    }
    Parser parser(buffer, text.size(), state.repairs, state.hints);
    Value v = parser.document(doc);
    if (stats) stats->invalidUtf8Bytes = state.repairs.size();
    return v;
}

}  // namespace intouch::json
