#include "sink/SqliteWriter.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <unordered_map>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/SqlIdentifier.hpp"
#include "common/Utf8Text.hpp"
#include "sink/SqliteState.hpp"
#include "state/Checkpoint.hpp"
#include "sink/SqliteValues.hpp"

namespace intouch {

namespace {

constexpr std::int64_t kTwoHoursMicros = 2LL * 3600 * 1000000;

std::string nowText() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return sqliteUtcText(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

std::string placeholders(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
    return out;
}

std::string keyMatch(const std::vector<std::string>& cols) {
    std::string out;
    for (const auto& c : cols) {
        if (!out.empty()) out += " AND ";
        out += quoteIdent(c) + " = ?";
    }
    return out;
}

}  // namespace

SqliteWriter::SqliteWriter(SqliteDatabase& db, const StreamSpec& spec, std::optional<std::int64_t> runId)
    : db_(db), spec_(spec), runId_(runId), types_(valueColumnTypes(spec)) {
    const auto cols = spec_.valueColumns();
    for (const auto& k : spec_.primaryKey)
        keyIndex_.push_back(static_cast<std::size_t>(std::find(cols.begin(), cols.end(), k) - cols.begin()));
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (!spec_.cursorColumn.empty() && cols[i] == spec_.cursorColumn) cursorIndex_ = i;
    if (spec_.history)
        log::warn("history: true is PostgreSQL-only; the SQLite target keeps the current rows only",
                  {{"stream", spec_.name}});
}

template <class F>
Totals SqliteWriter::transact(const PageBatch& batch, F&& steps) {
    try {
        return inSqliteTransaction(db_, [&] {
            Totals t = steps();
            if (batch.checkpoint) sqlite_state::save(db_, spec_.name, *batch.checkpoint);
            return t;
        });
    } catch (const TargetError& e) {
        throw TargetError("writing a page of " + spec_.name + " into " + spec_.table + " failed: " +
                          e.what() + " (does the table match the mapping " + spec_.file +
                          "? run `intouch-sync check`)");
    }
}

Totals SqliteWriter::upsertPage(const PageBatch& batch, const std::string& now) {
    Totals result;
    // One version per key, the newest (a missing cursor loses; at equal stamps the later
    // one), as PostgreSQL's DISTINCT ON ... ORDER BY cursor DESC NULLS LAST keeps.
    std::vector<const MappedRecord*> recs;
    {
        std::unordered_map<std::string, std::size_t> at;
        std::string key;
        for (const auto& rec : batch.records) {
            rowKey(rec.keyValues, key);
            auto [it, fresh] = at.try_emplace(key, recs.size());
            if (fresh) {
                recs.push_back(&rec);
                continue;
            }
            const MappedRecord*& kept = recs[it->second];
            if (!kept->cursorMicros || (rec.cursorMicros && *rec.cursorMicros >= *kept->cursorMicros))
                kept = &rec;
        }
    }
    if (!recs.empty()) {
        const bool incremental = spec_.mode == SyncMode::Incremental;
        const std::string table = quoteIdent(spec_.table);
        const auto cols = spec_.valueColumns();
        std::string updates;
        for (const auto& c : cols) updates += quoteIdent(c) + " = excluded." + quoteIdent(c) + ", ";
        updates += "record_hash = excluded.record_hash, synced_at = excluded.synced_at";
        std::string guard = table + ".record_hash <> excluded.record_hash";
        if (incremental) {
            const std::string cur = quoteIdent(spec_.cursorColumn);
            updates += ", deleted_at = NULL";
            guard = "(" + table + ".deleted_at IS NOT NULL OR (" + table +
                    ".record_hash <> excluded.record_hash AND (excluded." + cur + " >= " + table + "." +
                    cur + " OR " + table + "." + cur + " IS NULL OR excluded." + cur + " IS NULL)))";
        }
        SqliteStatement exists(db_.handle(), "SELECT 1 FROM " + table + " WHERE " + keyMatch(spec_.primaryKey),
                               db_.path());
        SqliteStatement upsert(db_.handle(),
                               "INSERT INTO " + table + " (" + identList(cols) + ", record_hash, synced_at) VALUES (" +
                                   placeholders(cols.size() + 2) + ") ON CONFLICT (" +
                                   identList(spec_.primaryKey) + ") DO UPDATE SET " + updates + " WHERE " +
                                   guard + " RETURNING 1",
                               db_.path());
        SqliteStatement clearReject(db_.handle(),
                                    "DELETE FROM sync_rejects WHERE stream = ? AND record_key = ?", db_.path());
        const auto parentKeys = spec_.childParentKeyColumns();
        std::vector<std::unique_ptr<SqliteStatement>> delChildren, insChildren;
        std::vector<std::vector<ColumnType>> childTypes;
        for (std::size_t i = 0; i < spec_.children.size(); ++i) {
            const std::string child = quoteIdent(spec_.children[i].table);
            const auto ccols = spec_.childValueColumns(i);
            delChildren.push_back(std::make_unique<SqliteStatement>(
                db_.handle(), "DELETE FROM " + child + " WHERE " + keyMatch(parentKeys), db_.path()));
            insChildren.push_back(std::make_unique<SqliteStatement>(
                db_.handle(),
                "INSERT INTO " + child + " (" + identList(ccols) + ") VALUES (" + placeholders(ccols.size()) + ")",
                db_.path()));
            childTypes.push_back(childColumnTypes(spec_, i));
        }
        // Repeated autumn hours (PostgresWriter::admitVersionsOfTheRepeatedHour says why): a
        // stored stamp in the same repeated span as the incoming one takes the incoming stamp
        // first, so the guard lets the newer version in.
        std::vector<std::int64_t> starts;
        std::unique_ptr<SqliteStatement> admit;
        if (incremental && cursorIndex_) {
            for (const MappedRecord* rec : recs) {
                const auto& v = rec->values[*cursorIndex_];
                if (!rec->cursorMicros || !v) continue;
                std::int64_t value = 0;
                try {
                    value = parseUtcTimestamp(*v);
                } catch (const std::exception&) {
                    continue;
                }
                if (value != *rec->cursorMicros &&
                    std::find(starts.begin(), starts.end(), *rec->cursorMicros) == starts.end())
                    starts.push_back(*rec->cursorMicros);
            }
            if (!starts.empty()) {
                const std::string cur = quoteIdent(spec_.cursorColumn);
                admit = std::make_unique<SqliteStatement>(
                    db_.handle(),
                    "UPDATE " + table + " SET " + cur + " = ?1 WHERE " + cur + " > ?1 AND record_hash <> ?2 AND " +
                        cur + " >= ?3 AND " + cur + " < ?4 AND ?1 >= ?3 AND ?1 < ?4 AND " + [&] {
                            std::string m;
                            for (std::size_t k = 0; k < spec_.primaryKey.size(); ++k) {
                                if (k) m += " AND ";
                                m += quoteIdent(spec_.primaryKey[k]) + " = ?" + std::to_string(5 + k);
                            }
                            return m;
                        }(),
                    db_.path());
            }
        }

        for (const MappedRecord* rec : recs) {
            std::vector<SqliteValue> keyVals;
            for (std::size_t k = 0; k < keyIndex_.size(); ++k)
                keyVals.push_back(sqliteValue(rec->values[keyIndex_[k]], types_[keyIndex_[k]]));
            for (std::size_t k = 0; k < keyVals.size(); ++k) exists.bind(static_cast<int>(k + 1), keyVals[k]);
            const bool existed = exists.step();
            exists.reset();
            if (admit && existed && rec->values[*cursorIndex_]) {
                const SqliteValue incoming = sqliteValue(rec->values[*cursorIndex_], types_[*cursorIndex_]);
                std::int64_t value = parseUtcTimestamp(*rec->values[*cursorIndex_]);
                for (std::int64_t start : starts) {
                    if (value < start || value >= start + kTwoHoursMicros) continue;
                    admit->bind(1, incoming);
                    admit->bindText(2, rec->hash);
                    admit->bindText(3, sqliteUtcText(start));
                    admit->bindText(4, sqliteUtcText(start + kTwoHoursMicros));
                    for (std::size_t k = 0; k < keyVals.size(); ++k) admit->bind(static_cast<int>(5 + k), keyVals[k]);
                    admit->step();
                    admit->reset();
                }
            }
            for (std::size_t c = 0; c < types_.size(); ++c)
                upsert.bind(static_cast<int>(c + 1), sqliteValue(rec->values[c], types_[c]));
            upsert.bindText(static_cast<int>(types_.size() + 1), rec->hash);
            upsert.bindText(static_cast<int>(types_.size() + 2), now);
            const bool changed = upsert.step();
            if (changed) upsert.step();  // to SQLITE_DONE: the statement's work is complete
            upsert.reset();
            if (!changed) continue;
            ++result.upserted;
            for (std::size_t i = 0; i < spec_.children.size(); ++i) {
                if (existed) {
                    for (std::size_t k = 0; k < keyVals.size(); ++k)
                        delChildren[i]->bind(static_cast<int>(k + 1), keyVals[k]);
                    delChildren[i]->step();
                    delChildren[i]->reset();
                }
                if (i >= rec->children.size()) continue;
                for (const auto& row : rec->children[i]) {
                    for (std::size_t c = 0; c < row.size() && c < childTypes[i].size(); ++c)
                        insChildren[i]->bind(static_cast<int>(c + 1), sqliteValue(row[c], childTypes[i][c]));
                    insChildren[i]->step();
                    insChildren[i]->reset();
                }
            }
            clearReject.bindText(1, spec_.name);
            clearReject.bindText(2, keyText(spec_.primaryKey, rec->keyValues));
            clearReject.step();
            clearReject.reset();
        }
    }
    storeRejects(batch);
    result.rejected = static_cast<std::int64_t>(batch.rejects.size());
    return result;
}

void SqliteWriter::storeRejects(const PageBatch& batch) {
    if (batch.rejects.empty()) return;
    SqliteStatement keyed(db_.handle(),
                          "INSERT INTO sync_rejects (stream, record_key, raw_json, error, run_id) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream, record_key) WHERE record_key <> '' "
                          "DO UPDATE SET raw_json = excluded.raw_json, error = excluded.error, "
                          "run_id = excluded.run_id, rejected_at = strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')",
                          db_.path());
    for (const auto& r : batch.rejects) {
        keyed.bindText(1, spec_.name);
        keyed.bindText(2, text::validUtf8(r.key));
        keyed.bindText(3, r.rawJson);
        keyed.bindText(4, text::validUtf8(r.error));
        if (runId_) keyed.bindInt(5, *runId_);
        else keyed.bindNull(5);
        keyed.step();
        keyed.reset();
    }
}

Totals SqliteWriter::writePage(const PageBatch& batch) {
    const std::string now = nowText();
    return transact(batch, [&] { return upsertPage(batch, now); });
}

Totals SqliteWriter::writePages(std::vector<PageBatch>& pages) {
    if (pages.size() == 1) return writePage(pages.front());
    PageBatch merged = mergePagesInReadOrder(pages);
    return writePage(merged);
}

std::int64_t SqliteWriter::deleteUnread(const PageBatch& batch) {
    std::unordered_set<std::string> keep;
    std::string key;
    for (const auto& rec : batch.records) {
        rowKey(rec.keyValues, key);
        keep.insert(key);
    }
    // A record the mapping rejected is still in the CRM: its previous row stays.
    std::unordered_set<std::string> rejected;
    for (const auto& r : batch.rejects)
        if (!r.key.empty()) rejected.insert(r.key);
    std::vector<std::int64_t> gone;
    {
        SqliteStatement rows(db_.handle(), "SELECT rowid, " + identList(spec_.primaryKey) + " FROM " +
                                               quoteIdent(spec_.table), db_.path());
        std::vector<std::string> values(spec_.primaryKey.size());
        while (rows.step()) {
            for (std::size_t k = 0; k < values.size(); ++k) values[k] = rows.columnText(static_cast<int>(k + 1));
            rowKey(values, key);
            if (keep.count(key) || rejected.count(keyText(spec_.primaryKey, values))) continue;
            gone.push_back(rows.columnInt(0));
        }
    }
    SqliteStatement del(db_.handle(), "DELETE FROM " + quoteIdent(spec_.table) + " WHERE rowid = ?", db_.path());
    for (std::int64_t id : gone) {
        del.bindInt(1, id);
        del.step();
        del.reset();
    }
    return static_cast<std::int64_t>(gone.size());
}

Totals SqliteWriter::replaceAll(const PageBatch& batch) {
    const std::string now = nowText();
    return transact(batch, [&] {
        Totals t = upsertPage(batch, now);
        t.deleted = deleteUnread(batch);
        return t;
    });
}

void SqliteWriter::beginReconcile() {
    if (spec_.primaryKey.size() != 1)
        throw ConfigError("stream " + spec_.name + " has a composite key; it is re-read whole and needs no reconcile");
    seen_.clear();
}

Totals SqliteWriter::writeReconcilePage(const PageBatch& batch, const std::vector<std::int64_t>& seenIds) {
    const std::string now = nowText();
    Totals t = transact(batch, [&] { return upsertPage(batch, now); });
    // Kept in memory: the walk is one process's, and a killed reconcile starts over anyway.
    seen_.insert(seenIds.begin(), seenIds.end());
    return t;
}

std::int64_t SqliteWriter::finishReconcile(bool hardDelete) {
    const std::string table = quoteIdent(spec_.table);
    const std::string key = quoteIdent(spec_.primaryKey.front());
    try {
        return inSqliteTransaction(db_, [&] {
            std::vector<std::int64_t> unseen;
            {
                SqliteStatement rows(db_.handle(),
                                     "SELECT rowid, " + key + " FROM " + table +
                                         (hardDelete ? "" : " WHERE deleted_at IS NULL"),
                                     db_.path());
                while (rows.step())
                    if (!seen_.count(rows.columnInt(1))) unseen.push_back(rows.columnInt(0));
            }
            SqliteStatement mark(db_.handle(),
                                 hardDelete ? "DELETE FROM " + table + " WHERE rowid = ?1"
                                            : "UPDATE " + table + " SET deleted_at = ?2 WHERE rowid = ?1",
                                 db_.path());
            const std::string now = nowText();
            for (std::int64_t id : unseen) {
                mark.bindInt(1, id);
                if (!hardDelete) mark.bindText(2, now);
                mark.step();
                mark.reset();
            }
            seen_.clear();
            return static_cast<std::int64_t>(unseen.size());
        });
    } catch (const TargetError& e) {
        throw TargetError("marking deleted rows of " + spec_.name + " failed: " + e.what());
    }
}

std::int64_t SqliteWriter::liveRows() {
    return db_.scalarInt("SELECT count(*) FROM " + quoteIdent(spec_.table) +
                         (spec_.mode == SyncMode::Incremental ? " WHERE deleted_at IS NULL" : ""));
}

}  // namespace intouch
