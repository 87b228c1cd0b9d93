#pragma once
// Reads and validates mapping files. Every problem is reported, not just the
// first, each as "FILE:LINE:COL: what is wrong — how to fix it", so that one
// `intouch-sync check` run shows everything to correct.

#include <string>
#include <vector>

#include "common/Errors.hpp"
#include "mapping/MappingSpec.hpp"

namespace intouch {

class MappingSpecError : public ConfigError {
  public:
    explicit MappingSpecError(std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

  private:
    std::vector<std::string> problems_;
};

StreamSpec loadMappingFile(const std::string& path);
// Every *.yaml / *.yml in `dir`, sorted by stream name. Problems of all files
// are collected and thrown once; stream and table names must be unique across files.
std::vector<StreamSpec> loadMappingDirectory(const std::string& dir);

// "cityM" -> "city_m": the naming convention for columns, used in hints.
std::string snakeCase(const std::string& name);

}  // namespace intouch
