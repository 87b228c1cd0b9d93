#pragma once
// What goes into the `extra` column: the record minus every value a column (or
// a child table) consumed. The exact rule is in docs/mapping-language.md,
// "Unmapped fields"; the point is that nothing the CRM sends is dropped
// without a trace, and nothing mapped is stored twice.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.hpp"
#include "mapping/JsonPath.hpp"

namespace intouch {

class ExtraFields {
  public:
    // Marks the value at the end of `steps` as consumed; no steps = the whole value.
    void consume(const std::vector<ResolvedStep>& steps);

    // `value` without the consumed parts. Objects emptied by removal disappear
    // from their parent; an array element consumed (or emptied) becomes null so
    // the others keep their positions, and an array whose every element was
    // consumed disappears. nullopt when nothing is left.
    std::optional<json::Value> remainder(const json::Value& value) const;
    // jsonbText(*remainder(value)) appended to `out`, without building the
    // remainder first; nullopt (and `out` unchanged) when nothing is left.
    // Throws ConversionError as jsonbText does.
    std::optional<std::string> remainderJsonb(const json::Value& value, int* replacedNul) const;

  private:
    struct Node {
        bool whole = false;
        std::map<std::string, Node> keys;
        std::map<std::size_t, Node> indexes;
    };
    static std::optional<json::Value> prune(const json::Value& v, const Node& n);
    static bool appendPruned(std::string& out, const json::Value& v, const Node& n,
                             int* replacedNul);
    Node root_;
};

}  // namespace intouch
