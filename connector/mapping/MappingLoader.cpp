#include "mapping/MappingLoader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "mapping/CodeListSource.hpp"
#include "mapping/ColumnReader.hpp"
#include "mapping/Suggest.hpp"
#include "mapping/YamlReader.hpp"

namespace intouch {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kStreamKeys{
    "stream", "endpoint", "endpoints", "since",    "until",          "table",   "primary_key",
    "cursor", "sync_mode", "paging",   "params",   "extra", "extra_exclude", "extra_hash", "keep_raw", "history", "ambiguous_time",
    "columns", "children", "description"};
const std::vector<std::string> kEndpointKeys{"name", "since", "until", "sources"};
const std::vector<std::string> kChildKeys{"table", "source", "columns", "extra", "description"};
const std::vector<std::string> kPagingParams{"position", "size", "orderBy", "desc"};

// `pii: exclude` columns leave the column list: they have no table column, only a path the
// mapper removes from each record.
void splitExcluded(std::vector<ColumnSpec>& columns, std::vector<ColumnSpec>& excluded) {
    auto kept = std::stable_partition(columns.begin(), columns.end(),
                                      [](const ColumnSpec& c) { return c.pii != Pii::Exclude; });
    excluded.assign(std::make_move_iterator(kept), std::make_move_iterator(columns.end()));
    columns.erase(kept, columns.end());
}

class FileLoader : public YamlReader {
  public:
    using YamlReader::YamlReader;

    // Best effort: the spec is filled as far as the file allows, even with problems.
    StreamSpec load(bool& ok);

    std::string streamAt, tableAt;
    std::vector<std::pair<std::string, std::string>> childTablesAt;  // table, location

  private:
    std::string table(const Entries& e, const YAML::Node& owner, bool required,
                      std::string fallback, std::string& location);
    void children(const YAML::Node& list, StreamSpec& spec, std::set<std::string>& tables);
    bool readFile(YAML::Node& root);
    void readOptions(const Entries& e, const YAML::Node& root, StreamSpec& spec);
    void checkColumnNames(const Entries& e, const StreamSpec& spec,
                          const std::map<std::string, YAML::Node>& seen);
    void checkKeys(const Entries& e, const YAML::Node& root, StreamSpec& spec);
    void checkPrimaryKey(const Entries& e, const YAML::Node& root, StreamSpec& spec,
                         bool columnsKnown);
    void checkKeyColumn(const YAML::Node& n, const ColumnSpec& c);
    void checkCursor(const Entries& e, const YAML::Node& root, StreamSpec& spec, bool columnsKnown);
    void notMapped(const StreamSpec& spec, const YAML::Node& n, const std::string& what,
                   const std::string& name);
    void personalData(const Entries& e, StreamSpec& spec,
                      const std::map<std::string, YAML::Node>& seen);
    std::vector<JsonPath> paths(const Entries& e, const char* key);
    bool endpointNameBad(const YAML::Node& node, const std::string& name);
    VersionRange versions(const Entries& e, const YAML::Node& owner);
    void endpoints(const YAML::Node& list, StreamSpec& spec);
};

std::vector<JsonPath> FileLoader::paths(const Entries& e, const char* key) {
    std::vector<JsonPath> out;
    auto it = e.find(key);
    if (it == e.end() || it->second.value.IsNull()) return out;
    const YAML::Node& list = it->second.value;
    if (!list.IsSequence()) {
        problem(list, std::string("'") + key + "' must be a list of JSON paths — write " + key +
                          ": [customFields.idCard]");
        return out;
    }
    for (const auto& n : list) {
        if (!n.IsScalar()) {
            problem(n, std::string("each entry of '") + key + "' must be a JSON path");
            continue;
        }
        if (auto p = path(n, n.Scalar())) out.push_back(*p);
    }
    return out;
}

// A record's key and cursor name it in the target, in rejects and in log lines, and order the
// reads: they cannot be hidden. Called after checkKeys, while excluded columns are still listed.
void FileLoader::personalData(const Entries& e, StreamSpec& spec,
                              const std::map<std::string, YAML::Node>& seen) {
    for (const auto& c : spec.columns) {
        if (c.pii == Pii::None) continue;
        const bool key = std::find(spec.primaryKey.begin(), spec.primaryKey.end(), c.name) !=
                         spec.primaryKey.end();
        if (key || c.name == spec.cursorColumn)
            problem(seen.at(c.name), std::string(key ? "primary key" : "cursor") + " column '" +
                                         c.name + "' cannot be pii: " + piiName(c.pii) +
                                         " — records are matched and ordered by it");
    }
    splitExcluded(spec.columns, spec.excludedColumns);
    spec.extraExclude = paths(e, "extra_exclude");
    spec.extraHash = paths(e, "extra_hash");
}

bool FileLoader::endpointNameBad(const YAML::Node& node, const std::string& name) {
    const bool bad = name.empty() || name.front() == '/' ||
                     name.find_first_of("?#& ") != std::string::npos ||
                     name.find("..") != std::string::npos;
    if (bad)
        problem(node, "endpoint '" + name +
                          "' must be a path under the API root, without a leading '/' or a "
                          "query — write e.g. endpoint: parties, and put parameters under params:");
    return bad;
}

VersionRange FileLoader::versions(const Entries& e, const YAML::Node& owner) {
    VersionRange range;
    for (const char* key : {"since", "until"}) {
        auto text = scalar(e, key, std::string(key) + ": \"6.5\"", false, owner);
        if (!text) continue;
        auto v = parseCrmVersion(*text);
        if (!v) {
            problem(e.at(key).value,
                    std::string(key) + " '" + *text +
                        "' is not a CRM version — write it as /api/about numbers it, e.g. " + key +
                        ": \"6.5\" or " + key + ": \"7.1.2\"");
            continue;
        }
        (std::string(key) == "since" ? range.since : range.until) = *v;
    }
    if (range.since && range.until && compareCrmVersions(*range.since, *range.until) >= 0)
        problem(e.at("until").value,
                "until " + crmVersionText(*range.until) + " is not after since " +
                    crmVersionText(*range.since) +
                    " — `until` is the first version that no longer serves it, so it must be "
                    "later than `since`");
    return range;
}

void FileLoader::endpoints(const YAML::Node& list, StreamSpec& spec) {
    const std::string example =
        "endpoints: [{name: notes}, {name: comments, sources: {note: comment}}]";
    if (!list.IsSequence() || list.size() == 0) {
        problem(list, "'endpoints' must be a non-empty list of the names the CRM serves this "
                      "stream under — write " + example);
        return;
    }
    std::map<std::string, std::string> seen;  // name -> location
    for (const auto& node : list) {
        EndpointAlternative alt;
        YAML::Node nameNode = node;
        if (node.IsScalar()) {
            alt.name = node.Scalar();
        } else if (node.IsMap()) {
            const Entries e = entries(node, kEndpointKeys, "an endpoint");
            auto name = scalar(e, "name", "name: ENDPOINT", true, node);
            if (!name) continue;
            alt.name = *name;
            nameNode = e.at("name").value;
            alt.versions = versions(e, node);
            if (auto it = e.find("sources"); it != e.end() && !it->second.value.IsNull()) {
                const YAML::Node& m = it->second.value;
                if (!m.IsMap()) {
                    problem(m, "'sources' must map column names to the source path they read "
                               "under this endpoint — write sources: {note: comment}");
                } else {
                    for (auto kv = m.begin(); kv != m.end(); ++kv) {
                        if (!kv->first.IsScalar() || !kv->second.IsScalar()) {
                            problem(kv->first, "each entry of 'sources' must be COLUMN: PATH — "
                                               "write sources: {note: comment}");
                            continue;
                        }
                        const std::string column = kv->first.Scalar();
                        if (!spec.findColumn(column)) {
                            std::vector<std::string> names;
                            for (const auto& c : spec.columns) names.push_back(c.name);
                            auto near = closestMatch(column, names);
                            problem(kv->first, "column '" + column +
                                                   "' in sources is not one of the mapped "
                                                   "columns — " +
                                                   (near ? "did you mean '" + *near + "'?"
                                                         : std::string("name a column of "
                                                                       "columns:")));
                            continue;
                        }
                        if (path(kv->second, kv->second.Scalar()))
                            alt.sources.emplace_back(column, kv->second.Scalar());
                    }
                }
            }
        } else {
            problem(node, "an endpoint must be a name or {name: N, since: V, until: V, sources: "
                          "{COLUMN: PATH}} — write " + example);
            continue;
        }
        if (endpointNameBad(nameNode, alt.name)) continue;
        auto [it, inserted] = seen.emplace(alt.name, at(nameNode));
        if (!inserted) {
            problem(nameNode, "endpoint '" + alt.name + "' is already listed at " + it->second +
                                  " — list each name once");
            continue;
        }
        spec.endpoints.push_back(std::move(alt));
    }
    if (!spec.endpoints.empty()) spec.endpoint = spec.endpoints.front().name;
}

std::string FileLoader::table(const Entries& e, const YAML::Node& owner, bool required,
                              std::string fallback, std::string& location) {
    const std::string key = "table";
    auto t = scalar(e, key, "table: TABLE", required, owner);
    location = e.count(key) ? at(e.at(key).value) : at(owner);
    std::string name = t ? *t : fallback;
    if (t && (!isIdentifier(name) || name.size() > kMaxTableName)) {
        problem(
            e.at(key).value,
            "table name '" + name +
                "' is not valid — use lower-case letters, digits and _, starting with a letter, "
                "at most 53 characters");
    }
    return name;
}

void FileLoader::children(const YAML::Node& list, StreamSpec& spec, std::set<std::string>& tables) {
    if (!list.IsSequence()) {
        problem(list,
                "'children' must be a list — write children: [{table: T, source: ARRAY, columns: "
                "[...]}]");
        return;
    }
    const auto parentKeys = spec.childParentKeyColumns();
    for (const auto& node : list) {
        if (!node.IsMap()) {
            problem(node,
                    "a child table must be a mapping — write {table: T, source: ARRAY, columns: "
                    "[...]}");
            continue;
        }
        const Entries e = entries(node, kChildKeys, "a child table");
        ChildSpec child;
        std::string location;
        child.table = table(e, node, true, "", location);
        if (!child.table.empty()) {
            if (!tables.insert(child.table).second)
                problem(
                    e.at("table").value,
                    "table '" + child.table +
                        "' is already used by this stream — name child tables <parent>_<array>, "
                        "e.g. " +
                        spec.table + "_items");
            childTablesAt.emplace_back(child.table, location);
        }
        if (auto src = scalar(e, "source", "source: ARRAY_FIELD", true, node)) {
            child.sourcePath = *src;
            if (auto p = path(e.at("source").value, *src)) {
                child.path = *p;
                if (p->isSelf())
                    problem(e.at("source").value,
                            "a child table's source must name an array in the record, not '$' — "
                            "e.g. source: items");
            }
        }
        if (auto it = e.find("extra"); it != e.end() && !it->second.value.IsNull()) {
            const YAML::Node& x = it->second.value;
            if (x.IsScalar() && x.Scalar() == "false")
                child.extraColumn = "";
            else if (x.IsScalar() && x.Scalar() == "true")
                child.extraColumn = "extra";
            else if (x.IsScalar() && isIdentifier(x.Scalar()))
                child.extraColumn = x.Scalar();
            else
                problem(x,
                        "'extra' must be false or a column name — write extra: false to drop "
                        "nothing silently "
                        "only when every field is mapped");
        }
        if (auto d = scalar(e, "description", "description: WHAT A ROW IS", false, node))
            child.description = *d;
        std::map<std::string, YAML::Node> seen;
        child.columns = readColumns(*this, e, node, true, seen);
        splitExcluded(child.columns, child.excludedColumns);
        for (const auto& c : child.columns) {
            const YAML::Node& where = seen.at(c.name);
            if (c.name == kChildIndexColumn ||
                std::find(parentKeys.begin(), parentKeys.end(), c.name) != parentKeys.end())
                problem(where, "column '" + c.name +
                                   "' clashes with a column the child table layout reserves (" +
                                   joinWords(parentKeys, ", ") + ", idx) — rename it");
            else if (c.name == child.extraColumn)
                problem(where, "column '" + c.name +
                                   "' clashes with the child table's extra column — rename it, or "
                                   "set extra: NAME");
        }
        std::vector<std::string> reserved = parentKeys;
        reserved.push_back(kChildIndexColumn);
        if (!child.extraColumn.empty()) reserved.push_back(child.extraColumn);
        checkLabelColumns(*this, child.columns, seen, reserved);
        spec.children.push_back(std::move(child));
    }
}

// Parses the file into root (a YAML mapping); false after a problem.
bool FileLoader::readFile(YAML::Node& root) {
    try {
        root = YAML::LoadFile(file());
    } catch (const YAML::BadFile&) {
        problemAtFile(file() + ":1:1",
                      "cannot read the file — check that it exists and is readable");
        return false;
    } catch (const YAML::ParserException& e) {
        problemAtFile(
            file() + ":" + std::to_string(e.mark.line + 1) + ":" +
                std::to_string(e.mark.column + 1),
            "invalid YAML: " + e.msg + " — fix the syntax (indentation, quotes, brackets)");
        return false;
    }
    if (!root.IsMap()) {
        problem(root,
                "a mapping file must be a YAML mapping with keys such as stream, primary_key and "
                "columns — see docs/mapping-language.md");
        return false;
    }
    return true;
}

// sync_mode, paging, params, extra, keep_raw, ambiguous_time.
void FileLoader::readOptions(const Entries& e, const YAML::Node& root, StreamSpec& spec) {
    if (auto m = scalar(e, "sync_mode", "sync_mode: incremental", false, root)) {
        if (*m == "incremental")
            spec.mode = SyncMode::Incremental;
        else if (*m == "full_replace")
            spec.mode = SyncMode::FullReplace;
        else if (auto near = closestMatch(*m, {"incremental", "full_replace"}))
            problem(e.at("sync_mode").value,
                    "unknown sync_mode '" + *m + "' — did you mean '" + *near + "'?");
        else
            problem(e.at("sync_mode").value,
                    "unknown sync_mode '" + *m + "' — use incremental or full_replace");
    }
    if (auto p = scalar(e, "paging", "paging: paged", false, root)) {
        if (*p == "paged")
            spec.paging = Paging::Paged;
        else if (*p == "unpaged")
            spec.paging = Paging::Unpaged;
        else if (*p == "array")
            spec.paging = Paging::PlainArray;
        else if (auto near = closestMatch(*p, {"paged", "unpaged", "array"}))
            problem(e.at("paging").value,
                    "unknown paging '" + *p + "' — did you mean '" + *near + "'?");
        else
            problem(e.at("paging").value,
                    "unknown paging '" + *p + "' — use paged, unpaged or array");
    }
    if (auto it = e.find("params"); it != e.end() && !it->second.value.IsNull()) {
        const YAML::Node& m = it->second.value;
        if (!m.IsMap()) {
            problem(m,
                    "'params' must be a mapping of query parameters — write params: {caseType: 0}");
        } else {
            for (auto kv = m.begin(); kv != m.end(); ++kv) {
                const std::string k = kv->first.IsScalar() ? kv->first.Scalar() : "";
                if (std::find(kPagingParams.begin(), kPagingParams.end(), k) !=
                    kPagingParams.end()) {
                    problem(kv->first,
                            "parameter '" + k +
                                "' is set by the reader for paging — remove it from params");
                } else if (k.empty() || !kv->second.IsScalar()) {
                    problem(kv->first,
                            "each parameter must be name: value — write params: {caseType: 0}");
                } else {
                    spec.params.emplace_back(k, kv->second.Scalar());
                }
            }
        }
    }
    if (auto it = e.find("extra"); it != e.end() && !it->second.value.IsNull()) {
        const YAML::Node& x = it->second.value;
        if (x.IsScalar() && x.Scalar() == "false")
            spec.extraColumn = "";
        else if (x.IsScalar() && x.Scalar() == "true")
            spec.extraColumn = "extra";
        else if (x.IsScalar() && isIdentifier(x.Scalar()))
            spec.extraColumn = x.Scalar();
        else
            problem(x,
                    "'extra' must be false or a column name — write extra: extra (the default) or "
                    "extra: false");
    }
    if (auto r = boolean(e, "keep_raw")) spec.rawColumn = *r ? "raw" : "";
    if (auto h = boolean(e, "history")) spec.history = *h;
    if (auto a = scalar(e, "ambiguous_time", "ambiguous_time: earlier", false, root)) {
        if (*a == "earlier" || *a == "later")
            spec.ambiguousTime = *a;
        else
            problem(e.at("ambiguous_time").value,
                    "ambiguous_time must be earlier or later — earlier takes the first occurrence "
                    "of a repeated "
                    "autumn hour (summer time)");
    }
}

// Mapped columns must not take the names of the system, extra and raw columns.
void FileLoader::checkColumnNames(const Entries& e, const StreamSpec& spec,
                                  const std::map<std::string, YAML::Node>& seen) {
    for (const auto& c : spec.columns) {
        const YAML::Node& where = seen.at(c.name);
        if (std::find(std::begin(kSystemColumns), std::end(kSystemColumns), c.name) !=
            std::end(kSystemColumns))
            problem(
                where,
                "column '" + c.name +
                    "' clashes with a system column of the table layout (record_hash, synced_at, "
                    "deleted_at) — rename it");
        else if (c.name == spec.extraColumn)
            problem(where, "column '" + c.name +
                               "' clashes with the extra column — rename it, or name the extra "
                               "column with extra: NAME");
        else if (c.name == spec.rawColumn)
            problem(where, "column '" + c.name +
                               "' clashes with the raw column of keep_raw: true — rename it");
    }
    {
        std::vector<std::string> reserved(std::begin(kSystemColumns), std::end(kSystemColumns));
        for (const auto& c : {spec.extraColumn, spec.rawColumn})
            if (!c.empty()) reserved.push_back(c);
        checkLabelColumns(*this, spec.columns, seen, reserved);
    }
    if (!spec.extraColumn.empty() && spec.extraColumn == spec.rawColumn)
        problem(
            e.at("extra").value,
            "the extra column cannot be called 'raw' while keep_raw is true — choose another name");
}

StreamSpec FileLoader::load(bool& ok) {
    const std::size_t before = problemCount();
    StreamSpec spec;
    spec.file = file();
    YAML::Node root;
    if (!readFile(root)) {
        ok = false;
        return spec;
    }
    const Entries e = entries(root, kStreamKeys, "the stream");

    if (auto s = scalar(e, "stream", "stream: NAME", true, root)) {
        spec.name = *s;
        streamAt = at(e.at("stream").value);
        if (!isIdentifier(spec.name))
            problem(e.at("stream").value,
                    "stream name '" + spec.name +
                        "' is not valid — use lower-case letters, digits and _, starting with a "
                        "letter (it is also the --stream argument)");
    }
    if (auto ep = scalar(e, "endpoint", "endpoint: PATH", false, root)) {
        spec.endpoint = *ep;
        endpointNameBad(e.at("endpoint").value, spec.endpoint);
    } else {
        spec.endpoint = spec.name;
    }
    spec.table = table(e, root, false, spec.name, tableAt);
    std::set<std::string> tables{spec.table};

    readOptions(e, root, spec);
    if (auto d = scalar(e, "description", "description: WHAT A ROW IS", false, root))
        spec.description = *d;

    std::map<std::string, YAML::Node> seen;
    spec.columns = readColumns(*this, e, root, false, seen);
    checkColumnNames(e, spec, seen);

    checkKeys(e, root, spec);
    personalData(e, spec, seen);
    spec.versions = versions(e, root);
    if (auto it = e.find("endpoints"); it != e.end() && !it->second.value.IsNull()) {
        if (e.count("endpoint"))
            problem(it->second.key,
                    "a stream names either one endpoint: or a list of endpoints:, not both — move "
                    "the endpoint into the list");
        else
            endpoints(it->second.value, spec);
    }

    if (auto it = e.find("children"); it != e.end() && !it->second.value.IsNull())
        children(it->second.value, spec, tables);

    ok = problemCount() == before;
    return spec;
}

void FileLoader::notMapped(const StreamSpec& spec, const YAML::Node& n, const std::string& what,
                           const std::string& name) {
    std::vector<std::string> names;
    for (const auto& c : spec.columns) names.push_back(c.name);
    if (auto near = closestMatch(name, names))
        problem(n, what + " '" + name + "' is not one of the mapped columns — did you mean '" +
                       *near + "'?");
    else
        problem(n, what + " '" + name +
                       "' is not one of the mapped columns — map it under columns, or fix the name");
}

void FileLoader::checkKeys(const Entries& e, const YAML::Node& root, StreamSpec& spec) {
    const bool columnsKnown = e.count("columns") && !spec.columns.empty();
    checkPrimaryKey(e, root, spec, columnsKnown);
    checkCursor(e, root, spec, columnsKnown);
}

void FileLoader::checkPrimaryKey(const Entries& e, const YAML::Node& root, StreamSpec& spec,
                                 bool columnsKnown) {
    auto pk = e.find("primary_key");
    if (pk == e.end() || pk->second.value.IsNull()) {
        problem(pk == e.end() ? root : pk->second.key,
                "missing required key 'primary_key' — add primary_key: [id]");
        return;
    }
    const YAML::Node& list = pk->second.value;
    std::vector<YAML::Node> items;
    if (list.IsScalar())
        items.push_back(list);
    else if (list.IsSequence())
        for (const auto& n : list) items.push_back(n);
    if (items.empty() || (!list.IsScalar() && !list.IsSequence()))
        problem(list, "'primary_key' must list at least one column — write primary_key: [id]");
    for (const auto& n : items) {
        if (!n.IsScalar()) {
            problem(n, "'primary_key' must list column names — write primary_key: [id]");
            continue;
        }
        const std::string name = n.Scalar();
        if (std::find(spec.primaryKey.begin(), spec.primaryKey.end(), name) !=
            spec.primaryKey.end()) {
            problem(n, "primary key column '" + name + "' is listed twice — list each column once");
            continue;
        }
        spec.primaryKey.push_back(name);
        if (!columnsKnown) continue;
        if (const ColumnSpec* c = spec.findColumn(name))
            checkKeyColumn(n, *c);
        else
            notMapped(spec, n, "primary key column", name);
    }
}

void FileLoader::checkKeyColumn(const YAML::Node& n, const ColumnSpec& c) {
    const std::string& name = c.name;
    if (!c.required)
        problem(n, "primary key column '" + name +
                       "' must be required: true — a record without its key cannot be stored");
    if (c.defaultValue)
        problem(n, "primary key column '" + name +
                       "' has a default — remove it: a record without its key must be "
                       "rejected, not stored "
                       "under an invented key");
    const ColumnKind k = c.type.kind;
    if (k == ColumnKind::Jsonb || k == ColumnKind::TextArray || k == ColumnKind::BigIntArray ||
        k == ColumnKind::Double || k == ColumnKind::Boolean || k == ColumnKind::Time)
        problem(n, "primary key column '" + name + "' has type " + c.type.name() +
                       " — keys must be text, integer, bigint, numeric, date, timestamp or "
                       "timestamptz");
    if (std::string(kParentKeyPrefix).size() + name.size() > kMaxColumnName)
        problem(n, "primary key column '" + name + "' is too long to be used as parent_" + name +
                       " in child tables — shorten it to at most 56 characters");
}

void FileLoader::checkCursor(const Entries& e, const YAML::Node& root, StreamSpec& spec,
                             bool columnsKnown) {
    auto cur = e.find("cursor");
    const bool hasCursor = cur != e.end() && !cur->second.value.IsNull();
    const YAML::Node modeNode = e.count("sync_mode") ? e.at("sync_mode").value : root;
    if (spec.mode != SyncMode::Incremental) {
        if (hasCursor)
            problem(cur->second.key,
                    "a full_replace stream has no cursor — remove cursor, or use sync_mode: "
                    "incremental");
        return;
    }
    if (!hasCursor) {
        problem(modeNode,
                "sync_mode incremental needs a cursor — add cursor: COLUMN (a timestamptz "
                "column such as "
                "modified), or use sync_mode: full_replace");
    } else if (!cur->second.value.IsScalar()) {
        problem(cur->second.value, "'cursor' must be a single column name — write cursor: modified");
    } else {
        spec.cursorColumn = cur->second.value.Scalar();
        if (columnsKnown) {
            const ColumnSpec* c = spec.findColumn(spec.cursorColumn);
            if (!c)
                notMapped(spec, cur->second.value, "cursor column", spec.cursorColumn);
            else if (c->type.kind != ColumnKind::TimestampTz)
                problem(cur->second.value, "cursor column '" + spec.cursorColumn + "' has type " +
                                               c->type.name() +
                                               " — the cursor must be a timestamptz column");
        }
    }
    if (spec.paging != Paging::Paged)
        problem(e.count("paging") ? e.at("paging").value : root,
                std::string("an incremental stream must be read with paging: paged (sorted by "
                            "its cursor), not ") +
                    pagingName(spec.paging) +
                    " — use sync_mode: full_replace for unpaged and array endpoints");
}

}  // namespace

MappingSpecError::MappingSpecError(std::vector<std::string> problems)
    : ConfigError([&] {
          std::string s;
          for (const auto& p : problems) s += (s.empty() ? "" : "\n") + p;
          return s;
      }()),
      problems_(std::move(problems)) {}

std::string snakeCase(const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (std::isupper(c)) {
            const bool afterLower =
                i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                          std::isdigit(static_cast<unsigned char>(name[i - 1])));
            const bool beforeLower = i > 0 && i + 1 < name.size() &&
                                     std::isupper(static_cast<unsigned char>(name[i - 1])) &&
                                     std::islower(static_cast<unsigned char>(name[i + 1]));
            if ((afterLower || beforeLower) && !out.empty() && out.back() != '_') out += '_';
            out += static_cast<char>(std::tolower(c));
        } else if (c == '-' || c == ' ' || c == '.') {
            out += '_';
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

StreamSpec loadMappingFile(const std::string& path) {
    std::vector<std::string> problems;
    FileLoader loader(path, problems);
    bool ok = false;
    StreamSpec spec = loader.load(ok);
    if (!ok) throw MappingSpecError(std::move(problems));
    return spec;
}

std::vector<StreamSpec> loadMappingDirectory(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw MappingSpecError(
            {dir + ": no such directory — set mappings: in the config file to the directory "
                   "holding one mapping file per stream"});
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw MappingSpecError(
            {dir + ": no mapping files (*.yaml or *.yml) — add one file per stream, see "
                   "docs/mapping-language.md"});

    std::vector<std::string> problems;
    std::vector<StreamSpec> specs;
    std::map<std::string, std::string> streamAt;  // name -> location
    std::map<std::string, std::pair<std::string, std::string>>
        tableAt;  // table -> (stream, location)
    for (const auto& f : files) {
        FileLoader loader(f.string(), problems);
        bool ok = false;
        StreamSpec spec = loader.load(ok);
        if (!spec.name.empty()) {
            auto [it, inserted] = streamAt.emplace(spec.name, loader.streamAt);
            if (!inserted) {
                problems.push_back(loader.streamAt + ": stream '" + spec.name +
                                   "' is already defined at " + it->second +
                                   " — stream names must be unique; rename one");
                ok = false;
            }
        }
        std::vector<std::pair<std::string, std::string>> tables;
        if (!spec.table.empty()) tables.emplace_back(spec.table, loader.tableAt);
        for (const auto& t : loader.childTablesAt) tables.push_back(t);
        for (const auto& [table, location] : tables) {
            auto [it, inserted] = tableAt.emplace(table, std::make_pair(spec.name, location));
            if (!inserted && it->second.first != spec.name) {
                problems.push_back(location + ": table '" + table +
                                   "' is already used by stream '" + it->second.first + "' at " +
                                   it->second.second +
                                   " — every stream and child table needs its own table");
                ok = false;
            }
        }
        if (ok) specs.push_back(std::move(spec));
    }
    if (problems.empty() && !findCodeListSource(specs)) {
        // Decoded columns are looked up in the code lists: without them every label is NULL.
        for (const auto& spec : specs) {
            std::vector<const std::vector<ColumnSpec>*> tables{&spec.columns};
            for (const auto& child : spec.children) tables.push_back(&child.columns);
            for (const auto* columns : tables)
                for (const auto& c : *columns)
                    if (!c.decode.empty())
                        problems.push_back(
                            c.decodeAt + ": column '" + c.name + "' decodes its codes with list '" +
                            c.decode + "', but no mapping stores the code lists — add the " +
                            "`lists` stream (mappings/lists.yaml: a child table with columns " +
                            "name and value), or remove decode");
        }
    }
    if (!problems.empty()) throw MappingSpecError(std::move(problems));
    std::sort(specs.begin(), specs.end(),
              [](const StreamSpec& a, const StreamSpec& b) { return a.name < b.name; });
    return specs;
}

}  // namespace intouch
