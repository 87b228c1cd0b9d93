#include "state/StateStore.hpp"

#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"

namespace intouch {

namespace {

constexpr std::string_view kLoad = R"(
SELECT cursor_modified, cursor_keys, cursor_complete, position, total, updated_at
FROM {state} WHERE stream = $1)";

constexpr std::string_view kSave = R"(
INSERT INTO {state} AS s
    (stream, cursor_modified, cursor_keys, cursor_complete, position, total, updated_at)
VALUES ($1, $2::timestamptz, $3::text[], $4, $5, $6, now())
ON CONFLICT (stream) DO UPDATE SET
    cursor_modified = EXCLUDED.cursor_modified, cursor_keys = EXCLUDED.cursor_keys,
    cursor_complete = EXCLUDED.cursor_complete, position = EXCLUDED.position,
    total = EXCLUDED.total, updated_at = now())";

constexpr std::string_view kAll = R"(
SELECT stream, cursor_modified, cursor_keys, cursor_complete, position, total,
    updated_at::text AS updated_at
FROM {state} ORDER BY stream)";

// A key is text the CRM sent: a rejected record's raw key may hold NUL, which neither
// PostgreSQL text nor libpq's C-string parameters can carry (the array literal would be
// cut and the page fail on every run). Such a key is stored as SOH + its bytes with %,
// NUL and SOH percent-encoded; every other key is stored as it is, as before.
constexpr char kEncoded = '\x01';

std::string storedKey(const std::string& key) {
    if (key.find('\0') == std::string::npos && (key.empty() || key[0] != kEncoded)) return key;
    std::string out(1, kEncoded);
    for (char c : key) {
        if (c == '%')
            out += "%25";
        else if (c == '\0')
            out += "%00";
        else if (c == kEncoded)
            out += "%01";
        else
            out += c;
    }
    return out;
}

std::string loadedKey(const std::string& stored) {
    if (stored.empty() || stored[0] != kEncoded) return stored;
    std::string out;
    for (std::size_t i = 1; i < stored.size(); ++i) {
        if (stored[i] == '%' && i + 2 < stored.size()) {
            const std::string hex = stored.substr(i + 1, 2);
            if (hex == "25" || hex == "00" || hex == "01") {
                out += static_cast<char>(std::stoi(hex, nullptr, 16));
                i += 2;
                continue;
            }
        }
        out += stored[i];
    }
    return out;
}

std::set<std::string> parseTextArray(const pqxx::field& f) {
    std::set<std::string> out;
    if (f.is_null()) return out;
    pqxx::array_parser parser = f.as_array();
    for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
         item = parser.get_next()) {
        if (item.first == pqxx::array_parser::string_value) out.insert(loadedKey(item.second));
    }
    return out;
}

std::vector<std::string> storedKeys(const std::set<std::string>& keys) {
    std::vector<std::string> out;
    out.reserve(keys.size());
    for (const auto& k : keys) out.push_back(storedKey(k));
    return out;
}

Checkpoint fromRow(const pqxx::row& row) {
    Checkpoint cp;
    if (!row["cursor_modified"].is_null())
        cp.modifiedMicros = parseUtcTimestamp(row["cursor_modified"].c_str());
    cp.tieKeys = parseTextArray(row["cursor_keys"]);
    cp.tieComplete = row["cursor_complete"].as<bool>();
    cp.position = row["position"].is_null() ? 0 : row["position"].as<std::int64_t>();
    cp.total = row["total"].is_null() ? -1 : row["total"].as<std::int64_t>();
    return cp;
}

}  // namespace

Checkpoint StateStore::load(pqxx::transaction_base& tx, const std::string& stream) const {
    tx.exec("SET LOCAL TIME ZONE 'UTC'");
    pqxx::result r =
        tx.exec_params(fillSql(kLoad, {{"state", qualified(schema_, "sync_state")}}), stream);
    if (r.empty()) return {};
    Checkpoint cp = fromRow(r[0]);
    if (!r[0]["updated_at"].is_null()) cp.savedAtMicros = parseUtcTimestamp(r[0]["updated_at"].c_str());
    return cp;
}

void StateStore::save(pqxx::transaction_base& tx, const std::string& stream,
                      const Checkpoint& cp) const {
    std::optional<std::string> modified;
    if (cp.modifiedMicros) modified = formatUtcMicros(*cp.modifiedMicros);
    tx.exec_params(fillSql(kSave, {{"state", qualified(schema_, "sync_state")}}), stream, modified,
                   textArrayLiteral(storedKeys(cp.tieKeys)), cp.tieComplete, cp.position, cp.total);
}

void StateStore::reset(pqxx::transaction_base& tx, const std::string& stream) const {
    tx.exec_params("DELETE FROM " + qualified(schema_, "sync_state") + " WHERE stream = $1", stream);
}

std::vector<StreamStateRow> StateStore::all(pqxx::transaction_base& tx) const {
    tx.exec("SET LOCAL TIME ZONE 'UTC'");
    pqxx::result r = tx.exec(fillSql(kAll, {{"state", qualified(schema_, "sync_state")}}));
    std::vector<StreamStateRow> out;
    for (const auto& row : r) {
        StreamStateRow s;
        s.stream = row["stream"].c_str();
        s.checkpoint = fromRow(row);
        s.updatedAt = row["updated_at"].c_str();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace intouch
