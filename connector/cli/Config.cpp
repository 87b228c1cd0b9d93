#include "cli/Config.hpp"

#include <Poco/Base64Encoder.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "cli/InstalledFiles.hpp"
#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SecretForms.hpp"

namespace intouch {

namespace fs = std::filesystem;

std::string expandEnvironment(const std::string& text, const std::string& where) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        std::size_t end = text.find('}', i + 2);
        if (end == std::string::npos)
            throw ConfigError(where + ": unterminated ${ in value (write ${NAME})");
        std::string inner = text.substr(i + 2, end - i - 2);
        std::string name = inner;
        std::optional<std::string> fallback;
        if (auto d = inner.find(":-"); d != std::string::npos) {
            name = inner.substr(0, d);
            fallback = inner.substr(d + 2);
        }
        const char* value = std::getenv(name.c_str());
        if (value && *value) {
            out += value;
        } else if (fallback) {
            out += *fallback;
        } else {
            throw ConfigError(where + ": environment variable " + name +
                              " is not set (export it, or write ${" + name + ":-default})");
        }
        i = end + 1;
    }
    return out;
}

namespace {

// Values of the ${VAR}s (and ${VAR:-default}s) in a raw secret setting. Secrets are
// registered with the log the moment such a setting is read, before any log line or
// error message could quote them.
std::vector<std::string> environmentValuesIn(const std::string& raw) {
    std::vector<std::string> out;
    for (std::size_t i = raw.find("${"); i != std::string::npos; i = raw.find("${", i + 2)) {
        const std::size_t end = raw.find('}', i + 2);
        if (end == std::string::npos) break;
        std::string name = raw.substr(i + 2, end - i - 2);
        if (auto d = name.find(":-"); d != std::string::npos) {
            out.push_back(name.substr(d + 2));
            name = name.substr(0, d);
        }
        if (const char* v = std::getenv(name.c_str())) out.emplace_back(v);
    }
    return out;
}

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    std::string at(const YAML::Node& n) const {
        const auto m = n.Mark();
        if (m.line < 0) return file_;
        return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    }

    void allowOnly(const YAML::Node& map, const std::string& section,
                   const std::set<std::string>& keys) const {
        if (!map.IsMap()) throw ConfigError(at(map) + ": '" + section + "' must be a mapping");
        for (const auto& kv : map) {
            // A key may be any node in YAML (`? [a, b]: x`); ours are plain words.
            if (!kv.first.IsScalar())
                throw ConfigError(at(kv.first) + ": a key in " + section +
                                  " must be a plain word, not a list or mapping");
            const std::string key = kv.first.Scalar();
            if (!keys.count(key)) {
                std::string known;
                for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
                throw ConfigError(at(kv.first) + ": unknown key '" + key + "' in " + section +
                                  " (known keys: " + known + ")");
            }
        }
    }

    std::string text(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) throw ConfigError(at(n) + ": '" + key + "' must be a single value");
        return expandEnvironment(n.Scalar(), at(n) + ": " + key);
    }

    template <typename T>
    T number(const YAML::Node& n, const std::string& key, T min, T max) const {
        std::string s = text(n, key);
        T v{};
        try {
            std::size_t used = 0;
            if constexpr (std::is_integral_v<T>)
                v = static_cast<T>(std::stoll(s, &used));
            else
                v = static_cast<T>(std::stod(s, &used));
            if (used != s.size()) throw std::invalid_argument(s);
        } catch (const std::exception&) {
            throw ConfigError(at(n) + ": '" + key + "' must be a number, not " + shown(n, s));
        }
        if (v < min || v > max)
            throw ConfigError(at(n) + ": '" + key + "' must be between " + std::to_string(min) +
                              " and " + std::to_string(max) + ", not " +
                              (n.Scalar().find("${") == std::string::npos ? s : shown(n, s)));
        return v;
    }

    bool boolean(const YAML::Node& n, const std::string& key) const {
        std::string s = text(n, key);
        if (s == "true" || s == "yes" || s == "on") return true;
        if (s == "false" || s == "no" || s == "off") return false;
        throw ConfigError(at(n) + ": '" + key + "' must be true or false, not " + shown(n, s));
    }

    // A wrong value as messages quote it: what the file says. A value that came from the
    // environment is not repeated (the variable may be a password put in the wrong key).
    static std::string shown(const YAML::Node& n, const std::string& expanded) {
        if (n.IsScalar() && n.Scalar().find("${") != std::string::npos)
            return "'" + n.Scalar() + "' (from the environment)";
        return "'" + expanded + "'";
    }

    const std::string& file() const { return file_; }

private:
    std::string file_;
};

std::string resolvePath(const std::string& base, const std::string& p) {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (fs::path(base) / p).lexically_normal().string();
}

const std::set<std::string>& sourceKeys() {
    static const std::set<std::string> keys{
        "url", "username", "password", "page_size", "ca_file", "insecure_skip_verify",
        "requests_per_second", "connect_timeout_seconds", "read_timeout_seconds", "max_attempts",
        "max_retry_wait_seconds", "time_zone", "request_timeout_seconds",
        "initial_backoff_seconds", "max_backoff_seconds", "max_response_bytes"};
    return keys;
}

const std::set<std::string>& sourceEntryKeys() {
    static const std::set<std::string> keys = [] {
        std::set<std::string> k = sourceKeys();
        k.insert({"name", "schema"});
        return k;
    }();
    return keys;
}

// The names of the `sources:` entries, in order (empty for a single `source:`). Names and
// schemas must be unique: each CRM keeps its checkpoints, locks and rows in its own schema.
std::vector<std::string> sourceNames(const Reader& r, const YAML::Node& root) {
    const YAML::Node list = root["sources"];
    if (!list) return {};
    if (root["source"])
        throw ConfigError(r.at(root["source"]) +
                          ": a config has either source: (one CRM) or sources: (several), not both");
    if (!list.IsSequence() || list.size() == 0)
        throw ConfigError(r.at(list) + ": 'sources' must be a non-empty list of {name, url, "
                                       "username, password, schema}");
    std::vector<std::string> names;
    std::set<std::string> schemas;
    for (const auto& entry : list) {
        if (!entry.IsMap())
            throw ConfigError(r.at(entry) + ": each source must be a mapping {name, url, ...}");
        r.allowOnly(entry, "a source", sourceEntryKeys());
        if (!entry["name"] || !entry["schema"])
            throw ConfigError(r.at(entry) + ": each source needs a name and a schema");
        const std::string name = r.text(entry["name"], "sources[].name");
        const bool ok = !name.empty() && name.size() <= 40 &&
                        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") ==
                            std::string::npos;
        if (!ok)
            throw ConfigError(r.at(entry["name"]) + ": source name '" + name +
                              "' must be 1 to 40 lower-case letters, digits, - or _");
        if (std::find(names.begin(), names.end(), name) != names.end())
            throw ConfigError(r.at(entry["name"]) + ": source '" + name + "' is listed twice");
        if (!schemas.insert(r.text(entry["schema"], "sources[].schema")).second)
            throw ConfigError(r.at(entry["schema"]) + ": another source uses schema '" +
                              entry["schema"].Scalar() + "': each source needs its own");
        names.push_back(name);
    }
    return names;
}

YAML::Node sourceEntry(const Reader& r, const YAML::Node& list, const std::string& name) {
    std::string known;
    for (const auto& entry : list) {
        if (r.text(entry["name"], "sources[].name") == name) return entry;
        known += (known.empty() ? "" : ", ") + r.text(entry["name"], "sources[].name");
    }
    throw ConfigError(r.file() + ": unknown source '" + name + "' (the config lists: " + known + ")");
}

// The CRM's settings: the `source:` section, or one entry of `sources:` (entry = true: it
// also holds its name and schema, read by the caller).
SourceConfig readSource(const Reader& r, const YAML::Node& source, const std::string& base,
                        const std::string& section, bool entry) {
    r.allowOnly(source, section, entry ? sourceEntryKeys() : sourceKeys());
    SourceConfig out;
    for (const char* required : {"url", "username", "password"})
        if (!source[required])
            throw ConfigError(r.at(source) + ": " + section + "." + required + " is required");
    out.url = r.text(source["url"], section + ".url");
    out.username = r.text(source["username"], section + ".username");
    if (source["password"].IsScalar())
        for (const auto& v : environmentValuesIn(source["password"].Scalar())) log::addSecret(v);
    out.password = r.text(source["password"], section + ".password");
    log::addSecret(out.password);
    // Every page after the first overlaps the previous one by a record (to prove nothing
    // slid past unseen), so a page of 1 could never move forward.
    if (source["page_size"]) out.pageSize = r.number<int>(source["page_size"], section + ".page_size", 2, 1000);
    if (source["ca_file"]) out.caFile = resolvePath(base, r.text(source["ca_file"], section + ".ca_file"));
    if (source["insecure_skip_verify"])
        out.insecureSkipVerify = r.boolean(source["insecure_skip_verify"], section + ".insecure_skip_verify");
    if (source["requests_per_second"])
        out.maxRequestsPerSecond =
            r.number<double>(source["requests_per_second"], section + ".requests_per_second", 0.01, 10000);
    if (source["connect_timeout_seconds"])
        out.connectTimeoutSeconds =
            r.number<double>(source["connect_timeout_seconds"], section + ".connect_timeout_seconds", 0.1, 3600);
    if (source["read_timeout_seconds"])
        out.readTimeoutSeconds =
            r.number<double>(source["read_timeout_seconds"], section + ".read_timeout_seconds", 0.1, 3600);
    if (source["max_attempts"])
        out.maxAttempts = r.number<int>(source["max_attempts"], section + ".max_attempts", 1, 100);
    if (source["max_retry_wait_seconds"])
        out.maxRetryWaitSeconds =
            r.number<double>(source["max_retry_wait_seconds"], section + ".max_retry_wait_seconds", 0, 86400);
    if (source["time_zone"]) out.timeZone = r.text(source["time_zone"], section + ".time_zone");
    if (source["request_timeout_seconds"])
        out.requestTimeoutSeconds =
            r.number<double>(source["request_timeout_seconds"], section + ".request_timeout_seconds", 0.1, 86400);
    if (source["initial_backoff_seconds"])
        out.initialBackoffSeconds =
            r.number<double>(source["initial_backoff_seconds"], section + ".initial_backoff_seconds", 0, 3600);
    if (source["max_backoff_seconds"])
        out.maxBackoffSeconds =
            r.number<double>(source["max_backoff_seconds"], section + ".max_backoff_seconds", 0, 86400);

    if (source["max_response_bytes"])
        out.maxResponseBytes = r.number<std::int64_t>(source["max_response_bytes"], section + ".max_response_bytes",
                                                           std::int64_t{64} << 10, std::int64_t{16} << 30);

    return out;
}

void readSync(const Reader& r, const YAML::Node& sync, SyncOptions& o) {
    r.allowOnly(sync, "sync", {"lookback_seconds", "settle_seconds", "reconcile", "reconcile_every_runs",
                               "delete_mode", "parallel_streams"});
    if (sync["reconcile"]) {
        const std::string mode = r.text(sync["reconcile"], "sync.reconcile");
        if (mode == "auto")
            o.reconcile = ReconcileMode::Auto;
        else if (mode == "always")
            o.reconcile = ReconcileMode::Always;
        else if (mode == "never")
            o.reconcile = ReconcileMode::Never;
        else
            throw ConfigError(r.at(sync["reconcile"]) + ": 'sync.reconcile' must be auto, always or never, not " +
                              Reader::shown(sync["reconcile"], mode));
    }
    if (sync["reconcile_every_runs"])
        o.reconcileEveryRuns =
            r.number<int>(sync["reconcile_every_runs"], "sync.reconcile_every_runs", 0, 1000000);
    if (sync["delete_mode"]) {
        std::string mode = r.text(sync["delete_mode"], "sync.delete_mode");
        if (mode != "soft" && mode != "hard")
            throw ConfigError(r.at(sync["delete_mode"]) + ": 'sync.delete_mode' must be soft or hard, not " +
                              Reader::shown(sync["delete_mode"], mode));
        o.hardDelete = mode == "hard";
    }
    if (sync["parallel_streams"])
        o.parallelStreams = r.number<int>(sync["parallel_streams"], "sync.parallel_streams", 1, 16);
    if (sync["lookback_seconds"])
        o.lookbackSeconds = r.number<double>(sync["lookback_seconds"], "sync.lookback_seconds", 0, 86400 * 30);
    if (sync["settle_seconds"])
        o.settleSeconds = r.number<double>(sync["settle_seconds"], "sync.settle_seconds", 0, 86400);
}

MetricsConfig readMetrics(const Reader& r, const YAML::Node& metrics, const std::string& base) {
    MetricsConfig m;
    r.allowOnly(metrics, "metrics", {"file", "pushgateway"});
    if (metrics["file"]) m.file = resolvePath(base, r.text(metrics["file"], "metrics.file"));
    if (metrics["pushgateway"]) {
        if (metrics["pushgateway"].IsScalar())
            for (const auto& v : environmentValuesIn(metrics["pushgateway"].Scalar())) log::addSecret(v);
        m.pushgateway = r.text(metrics["pushgateway"], "metrics.pushgateway");
        for (const auto& form : secrets::urlPasswordForms(m.pushgateway)) log::addSecret(form);
        // And as it goes out in the Authorization header (a gateway may echo it).
        if (const auto creds = secrets::urlCredentials(m.pushgateway); creds.present) {
            std::ostringstream b64;
            Poco::Base64Encoder encoder(b64);
            encoder.rdbuf()->setLineLength(0);
            encoder << creds.user << ':' << creds.password;
            encoder.close();
            log::addSecret(b64.str());
        }
    }
    return m;
}

// The database; with sources:, the schema is each source's own (the caller sets it).
TargetConfig readTarget(const Reader& r, const YAML::Node& target, const Config& c,
                        const std::string& base) {
    TargetConfig t;
    r.allowOnly(target, "target", {"dsn", "schema", "sqlite"});
    if (target["sqlite"]) {
        if (target["dsn"])
            throw ConfigError(r.at(target["sqlite"]) +
                              ": target.sqlite and target.dsn exclude each other: name one database");
        if (target["schema"])
            throw ConfigError(r.at(target["schema"]) +
                              ": target.schema is PostgreSQL's; a SQLite file has no schemas");
        if (!c.sourceNames.empty())
            throw ConfigError(r.at(target["sqlite"]) +
                              ": target.sqlite holds one CRM; with sources:, use a PostgreSQL target");
        const std::string file = r.text(target["sqlite"], "target.sqlite");
        if (file.empty()) throw ConfigError(r.at(target["sqlite"]) + ": target.sqlite is empty");
        t.sqlite = resolvePath(base, file);
        return t;
    }
    if (!target["dsn"])
        throw ConfigError(r.at(target) + ": target.dsn (PostgreSQL) or target.sqlite (a file) is required");
    if (target["dsn"].IsScalar())
        for (const auto& v : environmentValuesIn(target["dsn"].Scalar())) log::addSecret(v);
    t.dsn = r.text(target["dsn"], "target.dsn");
    for (const auto& form : secrets::dsnPasswordForms(t.dsn)) log::addSecret(form);
    if (target["schema"] && !c.sourceNames.empty())
        throw ConfigError(r.at(target["schema"]) +
                          ": with sources:, each source names its own schema (sources[].schema)");
    if (target["schema"]) t.schema = r.text(target["schema"], "target.schema");
    return t;
}

// The HMAC key of `pii: hash`, registered as a secret before anything can log it, in every
// form it takes.
std::string readPiiKey(const Reader& r, const YAML::Node& pii) {
    r.allowOnly(pii, "pii", {"key"});
    if (!pii["key"]) return "";
    if (pii["key"].IsScalar())
        for (const auto& v : environmentValuesIn(pii["key"].Scalar())) log::addSecret(v);
    std::string key = r.text(pii["key"], "pii.key");
    log::addSecret(key);
    return key;
}

}  // namespace

Config loadConfig(const std::string& path, const std::string& sourceName) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw ConfigError("cannot read config file '" + path + "'");
    } catch (const YAML::Exception& e) {
        throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                          std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    }
    Reader r(path);
    if (!root.IsMap()) throw ConfigError(path + ": the config file must be a YAML mapping");
    r.allowOnly(root, "the config file",
                {"source", "sources", "target", "mappings", "migrations", "streams", "sync", "log",
                 "metrics", "pii"});
    Config c;
    c.path = path;
    // libpq reads it whatever the DSN says; it may show in a connection error.
    if (const char* pg = std::getenv("PGPASSWORD")) log::addSecret(pg);
    const std::string base = fs::absolute(path).parent_path().string();

    c.sourceNames = sourceNames(r, root);
    YAML::Node source = root["source"];
    std::string section = "source";
    if (!c.sourceNames.empty() && !sourceName.empty()) {
        source = sourceEntry(r, root["sources"], sourceName);
        section = "sources." + sourceName;
        c.sourceName = sourceName;
    } else if (!sourceName.empty()) {
        throw ConfigError(path + ": --source " + sourceName +
                          " needs a config that lists its CRMs under sources:");
    } else if (!source && c.sourceNames.empty()) {
        throw ConfigError(path + ": missing section 'source' (url, username, password)");
    }
    if (source) c.source = readSource(r, source, base, section, !c.sourceName.empty());

    const YAML::Node target = root["target"];
    if (!target) throw ConfigError(path + ": missing section 'target' (dsn, schema)");
    c.target = readTarget(r, target, c, base);
    if (!c.sourceName.empty()) c.target.schema = r.text(source["schema"], section + ".schema");
    if (c.target.schema.empty()) throw ConfigError(r.at(target["schema"]) + ": target.schema is empty");

    // Not named: beside the config, else the installed ones (see InstalledFiles.hpp).
    c.mappingsDir = root["mappings"] ? resolvePath(base, r.text(root["mappings"], "mappings"))
                                     : defaultDataDir(base, "mappings");
    c.migrationsDir = root["migrations"] ? resolvePath(base, r.text(root["migrations"], "migrations"))
                                         : defaultDataDir(base, "migrations");

    if (const YAML::Node streams = root["streams"]) {
        if (!streams.IsSequence())
            throw ConfigError(r.at(streams) + ": 'streams' must be a list, e.g. [parties, comm]");
        for (const auto& s : streams) c.streams.push_back(r.text(s, "streams"));
    }

    if (const YAML::Node sync = root["sync"]) readSync(r, sync, c.sync);
    c.sync.pageSize = c.source.pageSize;

    if (const YAML::Node log = root["log"]) {
        r.allowOnly(log, "log", {"level", "format"});
        if (log["level"]) c.logLevel = r.text(log["level"], "log.level");
        if (log["format"]) c.logFormat = r.text(log["format"], "log.format");
    }

    if (const YAML::Node metrics = root["metrics"]) c.metrics = readMetrics(r, metrics, base);
    if (const YAML::Node pii = root["pii"]) c.piiKey = readPiiKey(r, pii);
    return c;
}

}  // namespace intouch
