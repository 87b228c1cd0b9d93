#include "sink/SqliteState.hpp"

#include "common/Errors.hpp"
#include "common/Json.hpp"
#include "sink/SqliteDatabase.hpp"
#include "sink/SqliteValues.hpp"

namespace intouch::sqlite_state {

namespace {

constexpr const char* kSelect =
    "SELECT stream, cursor_modified, cursor_keys, cursor_complete, position, total, updated_at "
    "FROM sync_state";

StreamStateRow rowOf(SqliteStatement& st) {
    StreamStateRow r;
    r.stream = st.columnText(0);
    Checkpoint& cp = r.checkpoint;
    if (!st.isNull(1)) cp.modifiedMicros = parseSqliteUtc(st.columnText(1));
    const json::Value keys = json::parse(st.columnText(2));
    for (const auto& k : keys.items()) cp.tieKeys.insert(k.asString());
    cp.tieComplete = st.columnInt(3) != 0;
    cp.position = st.isNull(4) ? 0 : st.columnInt(4);
    cp.total = st.isNull(5) ? -1 : st.columnInt(5);
    r.updatedAt = st.columnText(6);
    cp.savedAtMicros = parseSqliteUtc(r.updatedAt);
    return r;
}

}  // namespace

Checkpoint load(SqliteDatabase& db, const std::string& stream) {
    SqliteStatement st(db.handle(), std::string(kSelect) + " WHERE stream = ?", db.path());
    st.bindText(1, stream);
    if (!st.step()) return {};
    return rowOf(st).checkpoint;
}

void save(SqliteDatabase& db, const std::string& stream, const Checkpoint& cp) {
    std::string keys = "[";
    for (const auto& k : cp.tieKeys) {
        if (keys.size() > 1) keys += ',';
        json::appendQuoted(keys, k);
    }
    keys += ']';
    SqliteStatement st(db.handle(),
                       "INSERT INTO sync_state (stream, cursor_modified, cursor_keys, cursor_complete, "
                       "position, total, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                       "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')) ON CONFLICT (stream) DO UPDATE SET "
                       "cursor_modified = excluded.cursor_modified, cursor_keys = excluded.cursor_keys, "
                       "cursor_complete = excluded.cursor_complete, position = excluded.position, "
                       "total = excluded.total, updated_at = excluded.updated_at",
                       db.path());
    st.bindText(1, stream);
    if (cp.modifiedMicros) st.bindText(2, sqliteUtcText(*cp.modifiedMicros));
    else st.bindNull(2);
    st.bindText(3, keys);
    st.bindInt(4, cp.tieComplete ? 1 : 0);
    st.bindInt(5, cp.position);
    if (cp.total >= 0) st.bindInt(6, cp.total);
    else st.bindNull(6);
    st.step();
}

void reset(SqliteDatabase& db, const std::string& stream) {
    SqliteStatement st(db.handle(), "DELETE FROM sync_state WHERE stream = ?", db.path());
    st.bindText(1, stream);
    st.step();
}

std::vector<StreamStateRow> all(SqliteDatabase& db) {
    std::vector<StreamStateRow> out;
    SqliteStatement st(db.handle(), std::string(kSelect) + " ORDER BY stream", db.path());
    while (st.step()) out.push_back(rowOf(st));
    return out;
}

}  // namespace intouch::sqlite_state
