#pragma once
// The YAML config file (see README): where the CRM is, where PostgreSQL is, which
// mappings to use. ${VAR} is replaced from the environment so that passwords
// need not be written into the file.

#include <map>
#include <string>
#include <vector>

#include "source/SourceConfig.hpp"
#include "sync/SyncOptions.hpp"

namespace intouch {

struct TargetConfig {
    std::string dsn;
    std::string schema = "intouch";
    // `target: {sqlite: PATH}` (absolute, or made so from the config file's directory):
    // the embedded SQLite target instead of PostgreSQL; "" = PostgreSQL (dsn).
    std::string sqlite;
    bool isSqlite() const { return !sqlite.empty(); }
};

// Where `sync` publishes Prometheus metrics; empty = not published.
struct MetricsConfig {
    std::string file;         // for node_exporter's textfile collector
    std::string pushgateway;  // base URL of a Pushgateway
};

struct Config {
    std::string path;  // the file it came from
    SourceConfig source;
    TargetConfig target;
    std::string mappingsDir;    // absolute, or relative to the working directory
    std::string migrationsDir;
    std::vector<std::string> streams;  // empty = every mapping
    SyncOptions sync;
    std::string logLevel = "info";
    std::string logFormat = "text";
    MetricsConfig metrics;
    // The HMAC key of the mappings' `pii: hash` columns (pii.key, e.g. ${INTOUCH_PII_KEY}):
    // required only when a mapping hashes something. A secret.
    std::string piiKey;
    // A config may list several CRMs (`sources:`, each with its name and schema): then
    // sourceNames lists them and, loaded for one of them, sourceName names it and
    // source/target.schema are its own. Both empty for a config with one `source:`.
    std::vector<std::string> sourceNames;
    std::string sourceName;
};

// Throws ConfigError naming the file, the line and the key. `sourceName`: the entry of
// `sources:` to load (without it only the names are read from a multi-source config).
Config loadConfig(const std::string& path, const std::string& sourceName = "");

// Replaces ${VAR} and ${VAR:-default}; throws ConfigError naming an unset variable.
std::string expandEnvironment(const std::string& text, const std::string& where);

}  // namespace intouch
