#pragma once
// Where a column's value lives in a record: `a`, `a.b.c`, `a[0].b`,
// `a[type=EMAIL].value`, `"key.with.dots".x`, and `$` (the array element
// itself, in child tables).

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/Json.hpp"

namespace intouch {

class PathSyntaxError : public std::runtime_error {
  public:
    PathSyntaxError(std::size_t offset, const std::string& message)
        : std::runtime_error(message), offset_(offset) {}
    std::size_t offset() const { return offset_; }  // 0-based, into the path text

  private:
    std::size_t offset_;
};

struct PathStep {
    enum class Kind { Key, Index, Filter };
    Kind kind = Kind::Key;
    std::string key;          // Key: member name; Filter: the field compared
    std::size_t index = 0;    // Index
    std::string filterValue;  // Filter: the literal
};

// A step actually taken through one record: filters resolved to the index of
// the element they matched. ExtraFields uses these to remove consumed values.
struct ResolvedStep {
    bool isIndex = false;
    std::string key;
    std::size_t index = 0;
};

class JsonPath {
  public:
    JsonPath() = default;
    static JsonPath parse(std::string_view text);  // throws PathSyntaxError

    const std::string& text() const { return text_; }
    const std::vector<PathStep>& steps() const { return steps_; }
    bool isSelf() const { return steps_.empty(); }  // "$"

    // The value at the path, or nullptr when any step is missing (absent key,
    // index past the end, no element matching a filter, or a step into a
    // value of the wrong kind).
    const json::Value* find(const json::Value& root) const;

    // Like find, recording the steps taken. Returns true when the path reached
    // its end, or stopped at a JSON null on the way (then `out` ends at that
    // null: the column's NULL stands for it).
    bool resolve(const json::Value& root, std::vector<ResolvedStep>& out) const;

  private:
    std::string text_;
    std::vector<PathStep> steps_;
};

// Whether an element's field equals a filter literal: strings by content,
// numbers by their JSON text, booleans as true/false; null never matches.
bool filterMatches(const json::Value& element, const PathStep& step);

// A scalar's text, by the same rule: strings by content, numbers by their JSON text,
// booleans as true/false; nullopt for null, objects and arrays. Map keys are compared with
// it, an unmappable key is named by it, and `pii: hash` hashes it.
std::optional<std::string> scalarText(const json::Value& v);

}  // namespace intouch
