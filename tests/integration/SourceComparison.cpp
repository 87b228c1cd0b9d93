#include "SourceComparison.hpp"

#include "TargetQuery.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <set>
#include <sstream>
#include <stdexcept>

#include "support/PgQuery.hpp"
#include "support/RecordHash.hpp"

namespace intouch::itest {

namespace {

const std::vector<StreamLayout>& layouts() {
    static const std::vector<StreamLayout> l = {
        {"parties", "parties", {"id"}, true, "parties_contacts", "contacts"},
        {"comm", "comm", {"id"}, true, "", ""},
        {"opportunities", "opportunities", {"id"}, true, "", ""},
        {"buscases", "buscases", {"id"}, true, "buscases_items", "items"},
        {"invoices", "invoices", {"id"}, true, "invoices_items", "items"},
        {"products", "products", {"id"}, true, "", ""},
        {"stores", "stores", {"id"}, true, "", ""},
        {"notes", "notes", {"id"}, true, "", ""},
        {"members", "members", {"org", "member"}, false, "", ""},
        {"lists", "lists", {"id"}, false, "lists_items", "items"},
        {"files", "files", {"id"}, false, "", ""},
    };
    return l;
}

// The text of a key field as SQL's ::text would print it.
std::string keyPart(const json::Value& v) {
    if (v.isNumber()) return v.numberText();
    if (v.isString()) return v.asString();
    return v.toJson();
}

std::string keyOf(const json::Value& record, const StreamLayout& layout) {
    std::string key;
    for (std::size_t i = 0; i < layout.key.size(); ++i) {
        const json::Value* v = record.find(layout.key[i]);
        if (v == nullptr)
            throw std::runtime_error("dump record of " + layout.stream + " has no '" +
                                     layout.key[i] + "': " + record.toJson().substr(0, 200));
        if (i) key += ",";
        key += keyPart(*v);
    }
    return key;
}

std::string keyExpr(const SyncWorld& world, const StreamLayout& layout) {
    std::string e;
    for (std::size_t i = 0; i < layout.key.size(); ++i) {
        if (i) e += " || ',' || ";
        e += textOf(world, layout.key[i]);
    }
    return e;
}

std::string sqlQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// A `modified` value as served, as an SQL timestamptz expression.
std::string modifiedSql(const json::Value& v, const std::string& zone) {
    if (v.isNumber()) return "to_timestamp(" + v.numberText() + "::numeric / 1000)";
    if (!v.isString()) throw std::runtime_error("unexpected modified value " + v.toJson());
    const std::string& s = v.asString();
    const bool hasOffset = !s.empty() && (s.back() == 'Z' || (s.size() > 6 && (s[s.size() - 6] == '+' ||
                                                                              s[s.size() - 6] == '-')));
    if (hasOffset) return sqlQuote(s) + "::timestamptz";
    return "(" + sqlQuote(s) + "::timestamp AT TIME ZONE " + sqlQuote(zone) + ")";
}

}  // namespace

const StreamLayout& layoutOf(const std::string& stream) {
    for (const auto& l : layouts())
        if (l.stream == stream) return l;
    throw std::invalid_argument("no layout for stream " + stream);
}

std::string md5Hex(const std::string& text) {
    Poco::MD5Engine md5;
    md5.update(text);
    return Poco::DigestEngine::digestToHex(md5.digest());
}

std::map<std::string, SourceRecord> sourceRecords(const ts::SimulatorProcess& sim,
                                                  const std::string& stream) {
    const StreamLayout& layout = layoutOf(stream);
    json::Value dump = parseBody(sim.get("/_sim/dump/" + stream), "GET /_sim/dump/" + stream);
    if (!dump.isArray()) throw std::runtime_error("/_sim/dump/" + stream + " is not an array");
    std::map<std::string, SourceRecord> out;
    for (const json::Value& rec : dump.items()) {
        SourceRecord r;
        r.key = keyOf(rec, layout);
        r.hash = ts::expectedRecordHash(stream, rec);
        if (!layout.childSource.empty()) {
            if (const json::Value* arr = rec.find(layout.childSource); arr && arr->isArray())
                r.children = arr->items().size();
        }
        if (const json::Value* m = rec.find("modified")) r.modified = *m;
        if (!out.emplace(r.key, r).second)
            throw std::runtime_error("/_sim/dump/" + stream + " has key " + r.key + " twice");
    }
    return out;
}

std::string listKeys(const std::vector<std::string>& keys, std::size_t max) {
    std::ostringstream o;
    o << keys.size() << (keys.size() == 1 ? " key" : " keys");
    if (keys.empty()) return o.str();
    o << ": ";
    for (std::size_t i = 0; i < keys.size() && i < max; ++i) o << (i ? ", " : "") << keys[i];
    if (keys.size() > max) o << ", ... (+" << keys.size() - max << " more)";
    return o.str();
}

std::string Comparison::summary() const {
    std::ostringstream o;
    o << stream << ": source " << sourceCount << ", table live " << tableLiveCount
      << " (soft-deleted " << tableDeletedCount << "), missing " << missing.size() << ", extra "
      << extra.size() << ", mismatched " << mismatched.size() << ", child-count mismatched "
      << childMismatched.size();
    if (!missing.empty()) o << "\n  missing " << listKeys(missing);
    if (!extra.empty()) o << "\n  extra " << listKeys(extra);
    if (!mismatched.empty()) o << "\n  mismatched " << listKeys(mismatched);
    if (!childMismatched.empty()) o << "\n  child rows wrong " << listKeys(childMismatched);
    return o.str();
}

namespace {

struct TableRow {
    std::string hash;
    bool live = true;
};

std::map<std::string, TableRow> tableRows(const SyncWorld& world, const StreamLayout& layout) {
    const std::string sql = "SELECT " + keyExpr(world, layout) + ", record_hash, " +
                            (layout.incremental ? "deleted_at IS NULL" : "1 = 1") +
                            " FROM intouch." + layout.table;
    std::map<std::string, TableRow> out;
    for (const auto& row : targetRows(world, sql))
        out[row.at(0).value_or("<null>")] = TableRow{row.at(1).value_or(""), row.at(2) == trueText(world)};
    return out;
}

std::map<std::string, std::size_t> childCounts(const SyncWorld& world, const StreamLayout& layout) {
    std::map<std::string, std::size_t> out;
    if (layout.childTable.empty()) return out;
    for (const auto& row : targetRows(
             world, "SELECT " + textOf(world, "parent_id") + ", count(*) FROM intouch." + layout.childTable +
                      " GROUP BY 1"))
        out[row.at(0).value_or("")] = std::stoul(row.at(1).value_or("0"));
    return out;
}

}  // namespace

Comparison compareWithSource(const SyncWorld& world, const std::string& stream) {
    const StreamLayout& layout = layoutOf(stream);
    Comparison c;
    c.stream = stream;
    const auto source = sourceRecords(world.sim(), stream);
    const auto table = tableRows(world, layout);
    const auto children = childCounts(world, layout);
    c.sourceCount = source.size();
    for (const auto& [key, row] : table) {
        if (row.live)
            ++c.tableLiveCount;
        else
            ++c.tableDeletedCount;
        if (row.live && !source.count(key)) c.extra.push_back(key);
    }
    for (const auto& [key, rec] : source) {
        auto it = table.find(key);
        if (it == table.end() || !it->second.live) {
            c.missing.push_back(key);
            continue;
        }
        if (it->second.hash != rec.hash) c.mismatched.push_back(key);
        if (!layout.childTable.empty()) {
            auto ch = children.find(key);
            const std::size_t have = ch == children.end() ? 0 : ch->second;
            if (have != rec.children)
                c.childMismatched.push_back(key + " (" + std::to_string(have) + " rows, array " +
                                            std::to_string(rec.children) + ")");
        }
    }
    return c;
}

std::string CheckpointAudit::summary() const {
    std::ostringstream o;
    o << "checkpoint " << (hasCheckpoint ? cursor + (cursorComplete ? " (complete)" : " (partial)")
                                          : std::string("none"))
      << ", live rows " << rows << ", source records at/before checkpoint " << coveredBySource
      << ", lost behind checkpoint " << lostBehindCheckpoint.size() << ", wrong hash "
      << wrongHash.size() << ", unknown rows " << unknownRows.size();
    if (!lostBehindCheckpoint.empty()) o << "\n  lost " << listKeys(lostBehindCheckpoint);
    if (!wrongHash.empty()) o << "\n  wrong hash " << listKeys(wrongHash);
    if (!unknownRows.empty()) o << "\n  unknown " << listKeys(unknownRows);
    return o.str();
}

CheckpointAudit auditCheckpoint(const SyncWorld& world, const std::string& stream) {
    const StreamLayout& layout = layoutOf(stream);
    CheckpointAudit a;
    const auto source = sourceRecords(world.sim(), stream);
    const auto table = tableRows(world, layout);
    for (const auto& [key, row] : table) {
        if (!row.live) continue;
        ++a.rows;
        auto it = source.find(key);
        if (it == source.end())
            a.unknownRows.push_back(key);
        else if (it->second.hash != row.hash)
            a.wrongHash.push_back(key);
    }
    auto state = targetRows(
        world,
        "SELECT " + textOf(world, "cursor_modified") + ", cursor_complete, " + textOf(world, "cursor_keys") +
            " FROM intouch.sync_state WHERE stream = " + sqlQuote(stream) + " AND cursor_modified IS NOT NULL");
    if (state.empty()) return a;
    a.hasCheckpoint = true;
    a.cursor = state[0].at(0).value_or("");
    a.cursorComplete = state[0].at(1) == trueText(world);
    // PostgreSQL compares: the checkpoint read from the target (a SQLite file's stamp is
    // ISO-8601 UTC text, its keys a JSON array) as literals.
    const std::string checkpoint =
        "(SELECT " + sqlQuote(a.cursor) + "::timestamptz AS cursor_modified, " +
        (a.cursorComplete ? "true" : "false") + " AS cursor_complete, " +
        (world.sqlite() ? "ARRAY(SELECT json_array_elements_text(" + sqlQuote(state[0].at(2).value_or("[]")) + "::json))"
                        : sqlQuote(state[0].at(2).value_or("{}")) + "::text[]") +
        " AS cursor_keys)";

    // Which source records sort at or before the checkpoint: let PostgreSQL compare the
    // served `modified` values with cursor_modified, in chunks.
    const std::string zone = "Europe/Prague";
    std::vector<std::pair<std::string, std::string>> values;  // key, SQL timestamptz
    for (const auto& [key, rec] : source)
        if (rec.modified) values.emplace_back(key, modifiedSql(*rec.modified, zone));
    std::set<std::string> covered;
    for (std::size_t start = 0; start < values.size(); start += 2000) {
        std::string sql = "SELECT v.k FROM (VALUES ";
        for (std::size_t i = start; i < values.size() && i < start + 2000; ++i) {
            if (i > start) sql += ",";
            sql += "(" + sqlQuote(values[i].first) + "," + values[i].second + ")";
        }
        sql += ") v(k, m) CROSS JOIN " + checkpoint + " s"
               " WHERE v.m < s.cursor_modified OR (v.m = s.cursor_modified AND "
               "(s.cursor_complete OR ('id=' || v.k) = ANY (s.cursor_keys)))";
        for (const auto& row : ts::pg::queryRows(world.dsn(), sql)) covered.insert(*row.at(0));
    }
    a.coveredBySource = covered.size();
    for (const auto& key : covered) {
        auto it = table.find(key);
        if (it == table.end() || !it->second.live) a.lostBehindCheckpoint.push_back(key);
    }
    return a;
}

}  // namespace intouch::itest
