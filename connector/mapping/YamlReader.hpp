#pragma once
// Reading mapping files: YAML access that records every problem with its
// FILE:LINE:COL instead of stopping at the first. Internal to the loader.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mapping/JsonPath.hpp"

namespace intouch {

// PostgreSQL truncates names at 63 bytes; the writer prefixes table names with
// up to 10 characters ("_upserted_") for its staging tables.
constexpr std::size_t kMaxColumnName = 63;
constexpr std::size_t kMaxTableName = 53;

// "a, b or c"
std::string joinWords(const std::vector<std::string>& words, const std::string& lastSep = " or ");
// Lower-case letters, digits and _, starting with a letter.
bool isIdentifier(const std::string& s);

// A key's entry in one YAML mapping.
struct Entry {
    YAML::Node key;
    YAML::Node value;
};
using Entries = std::map<std::string, Entry>;

class YamlReader {
  public:
    YamlReader(std::string file, std::vector<std::string>& problems)
        : file_(std::move(file)), problems_(problems) {}

    const std::string& file() const { return file_; }
    // "FILE:LINE:COL" of a node, 1-based.
    std::string at(const YAML::Node& n) const;
    void problem(const YAML::Node& n, const std::string& message);
    void problemAtFile(const std::string& location, const std::string& message);
    std::size_t problemCount() const { return problems_.size(); }

    // The entries of a mapping; unknown keys (with "did you mean") and repeated
    // keys are reported and left out.
    Entries entries(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& where);
    // A single value; nullopt when absent or null (a problem if `required`) or
    // not a scalar (a problem).
    std::optional<std::string> scalar(const Entries& e, const std::string& key,
                                      const std::string& example, bool required,
                                      const YAML::Node& owner);
    // true/false only; nullopt when absent, null or invalid (a problem).
    std::optional<bool> boolean(const Entries& e, const std::string& key);
    std::optional<JsonPath> path(const YAML::Node& node, const std::string& text);

  private:
    std::string file_;
    std::vector<std::string>& problems_;
};

}  // namespace intouch
