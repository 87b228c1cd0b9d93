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

    struct Node {
        bool whole = false;
        std::map<std::string, Node> keys;
        std::map<std::size_t, Node> indexes;
    };
    // What is consumed of the member `key` of the value: null when nothing.
    const Node* memberRule(const std::string& key) const;
    // remainderJsonb(object, replacedNul) for an object whose members' rules are known,
    // in member order (memberRule of each key): the mapper keeps them for records whose
    // members come in the same order, instead of looking every key up per record.
    std::optional<std::string> remainderJsonb(const json::Value& object,
                                              const std::vector<const Node*>& memberRules,
                                              int* replacedNul) const;

  private:
    static std::optional<json::Value> prune(const json::Value& v, const Node& n);
    static bool appendPruned(std::string& out, const json::Value& v, const Node& n,
                             int* replacedNul);
    template <typename RuleOf>
    static bool appendPrunedObject(std::string& out, const json::Value& v, RuleOf&& ruleOf,
                                   int* replacedNul);
    Node root_;
};

}  // namespace intouch
