#include "sink/PostgresWriter.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "common/Utf8Text.hpp"
#include "common/Errors.hpp"
#include "common/SqlIdentifier.hpp"
#include "sink/CopyWriter.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

namespace {
std::vector<std::string> quotedAll(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const auto& n : names) out.push_back(quoteIdent(n));
    return out;
}
}  // namespace


PostgresWriter::PostgresWriter(pqxx::connection_base& conn, std::string schema,
                               const StreamSpec& spec, std::optional<std::int64_t> runId)
    : conn_(conn), schema_(std::move(schema)), spec_(spec), runId_(runId), state_(schema_) {
    stage_ = "_stage_" + spec_.table;
    upserted_ = "_upserted_" + spec_.table;
    seen_ = "_seen_" + spec_.table;
}

std::string PostgresWriter::keyText(const std::vector<std::string>& keyValues) const {
    std::string out;
    for (std::size_t i = 0; i < spec_.primaryKey.size() && i < keyValues.size(); ++i) {
        if (i) out += ",";
        out += spec_.primaryKey[i] + "=" + keyValues[i];
    }
    return out;
}

void PostgresWriter::ensureStaging(pqxx::transaction_base& tx) {
    if (stagingReady_) return;
    // Temporary, per session, emptied at every commit: the staging tables cost
    // nothing to keep and never leak rows from one page into the next.
    auto valueCols = spec_.valueColumns();
    std::string cols;
    for (const auto& c : valueCols) cols += (cols.empty() ? "" : ", ") + quoteIdent(c);
    tx.exec("CREATE TEMP TABLE IF NOT EXISTS " + quoteIdent(stage_) + " ON COMMIT DELETE ROWS AS SELECT " +
            cols + ", record_hash FROM " + qualified(schema_, spec_.table) + " WITH NO DATA");
    std::string pkCols;
    for (const auto& c : spec_.primaryKey) pkCols += (pkCols.empty() ? "" : ", ") + quoteIdent(c);
    // `inserted` marks parents the upsert created: they cannot have children yet
    // (the children's foreign key), so their children need no DELETE.
    tx.exec("CREATE TEMP TABLE IF NOT EXISTS " + quoteIdent(upserted_) +
            " ON COMMIT DELETE ROWS AS SELECT " + pkCols + ", NULL::boolean AS inserted FROM " +
            qualified(schema_, spec_.table) + " WITH NO DATA");
    stagingReady_ = true;
}

void PostgresWriter::copyRows(pqxx::transaction_base& tx, const PageBatch& batch) {
    if (batch.records.empty()) return;
    auto cols = quotedAll(spec_.valueColumns());
    cols.push_back("record_hash");
    {
        CopyWriter out(tx, quoteIdent(stage_), cols);
        for (const auto& rec : batch.records) out.write(rec.values, rec.hash);
        out.complete();
    }
}

namespace {

// Starts of the repeated autumn spans the batch's records fall in: the mapper's cursor puts
// a value inside such a span at the span's start (RecordMapper, cursorOrderValue), so a
// cursor that differs from the column's value marks one.
std::vector<std::int64_t> repeatedSpanStarts(const StreamSpec& spec, const PageBatch& batch) {
    std::vector<std::int64_t> starts;
    std::optional<std::size_t> column;
    for (std::size_t i = 0; i < spec.columns.size(); ++i)
        if (spec.columns[i].name == spec.cursorColumn) column = i;
    if (!column) return starts;
    for (const auto& rec : batch.records) {
        if (!rec.cursorMicros || *column >= rec.values.size() || !rec.values[*column]) continue;
        std::int64_t value = 0;
        try {
            value = parseUtcTimestamp(*rec.values[*column]);
        } catch (const std::exception&) {
            continue;
        }
        if (value != *rec.cursorMicros &&
            std::find(starts.begin(), starts.end(), *rec.cursorMicros) == starts.end())
            starts.push_back(*rec.cursorMicros);
    }
    return starts;
}

// Within the repeated autumn hour the stamps of the two passes do not say which version is
// newer (02:10 of the second pass is read as earlier than 02:40 of the first), so the
// upsert's guard below, which compares the cursor column, would refuse the newer version
// and leave the row stale (found by AutumnHour.*). Versions are read in the order they were
// made, so a stored row whose stamp lies in the same repeated span as the incoming one takes
// the incoming stamp first, in the same transaction, and the guard lets the version in.
void admitVersionsOfTheRepeatedHour(pqxx::transaction_base& tx, const StreamSpec& spec,
                                    const std::string& target, const std::string& stage,
                                    const PageBatch& batch) {
    if (spec.mode != SyncMode::Incremental) return;
    const auto starts = repeatedSpanStarts(spec, batch);
    if (starts.empty()) return;
    const std::string cur = quoteIdent(spec.cursorColumn);
    std::string match;
    for (const auto& k : spec.primaryKey)
        match += (match.empty() ? "" : " AND ") + std::string("t.") + quoteIdent(k) + " = s." + quoteIdent(k);
    std::string spans;
    for (std::int64_t start : starts) {
        // Two hours: the span of a one-hour change (a 30-minute change's span is shorter;
        // admitting the half hour after it too only re-admits same-order versions).
        const std::string from = tx.quote(formatUtcMicros(start)) + "::timestamptz";
        const std::string to = "(" + from + " + interval '2 hours')";
        spans += (spans.empty() ? "" : " OR ") + std::string("(t.") + cur + " >= " + from +
                 " AND t." + cur + " < " + to + " AND s." + cur + " >= " + from + " AND s." +
                 cur + " < " + to + ")";
    }
    tx.exec("UPDATE " + target + " AS t SET " + cur + " = s." + cur + " FROM " + stage +
            " AS s WHERE " + match +
            " AND t.record_hash <> s.record_hash AND t." + cur + " > s." + cur + " AND (" + spans +
            ")");
}

}  // namespace

PostgresWriter::Upserted PostgresWriter::upsert(pqxx::transaction_base& tx) {
    const auto valueCols = spec_.valueColumns();
    const std::string target = qualified(schema_, spec_.table);
    const std::string pk = identList(spec_.primaryKey);
    std::string insertCols = identList(valueCols) + ", record_hash, synced_at";
    std::string selectCols = identList(valueCols) + ", record_hash, now()";
    std::string updates;
    for (const auto& c : valueCols) updates += quoteIdent(c) + " = EXCLUDED." + quoteIdent(c) + ", ";
    updates += "record_hash = EXCLUDED.record_hash, synced_at = EXCLUDED.synced_at";
    std::string guard = "t.record_hash <> EXCLUDED.record_hash";
    std::string order = pk;
    if (spec_.mode == SyncMode::Incremental) {
        const std::string cur = quoteIdent(spec_.cursorColumn);
        updates += ", deleted_at = NULL";
        // Never let an older version of a record overwrite a newer one; a same-time
        // version with other content is accepted (second-granular stamps).
        guard = "(t.deleted_at IS NOT NULL OR (t.record_hash <> EXCLUDED.record_hash AND (EXCLUDED." +
                cur + " >= t." + cur + " OR t." + cur + " IS NULL OR EXCLUDED." + cur +
                " IS NULL)))";
        order += ", " + cur + " DESC NULLS LAST";
    }
    // xmax is 0 exactly in the rows this statement inserted (an updated row
    // carries the updating transaction's id). The keys come back as text so that
    // only the changed parents' children are sent (replaceChildren).
    std::string keysText;
    for (const auto& k : spec_.primaryKey) keysText += ", " + quoteIdent(k) + "::text";
    std::string sql =
        "WITH up AS (INSERT INTO " + target + " AS t (" + insertCols + ") SELECT DISTINCT ON (" +
        pk + ") " + selectCols + " FROM " + quoteIdent(stage_) + " ORDER BY " + order +
        " ON CONFLICT (" + pk + ") DO UPDATE SET " + updates + " WHERE " + guard + " RETURNING " +
        identList(spec_.primaryKey, "t.") + ", t.xmax = 0 AS inserted), kept AS (INSERT INTO " +
        quoteIdent(upserted_) + " SELECT * FROM up) SELECT inserted" + keysText + " FROM up";
    const pqxx::result rows = tx.exec(sql);
    Upserted out;
    out.changed = static_cast<std::int64_t>(rows.size());
    std::string key;
    for (const auto& row : rows) {
        if (!row[0].as<bool>()) ++out.updated;
        if (spec_.children.empty()) continue;
        key.clear();
        for (std::size_t i = 1; i < row.size(); ++i)
            key.append(row[static_cast<int>(i)].c_str()).push_back('\0');
        out.keys.insert(key);
    }
    return out;
}

void PostgresWriter::replaceChildren(pqxx::transaction_base& tx, const PageBatch& batch,
                                     const Upserted& up) {
    if (spec_.children.empty()) return;
    const auto parentKeys = spec_.childParentKeyColumns();
    const bool anyUpdated = up.updated > 0;
    // Children of a parent the upsert left alone (older or unchanged version)
    // stay as they are; the others are COPYed straight into the child table.
    std::vector<const MappedRecord*> changed;
    std::unordered_set<std::string> matched;
    std::string key;
    for (const auto& rec : batch.records) {
        key.clear();
        for (const auto& k : rec.keyValues) key.append(k).push_back('\0');
        if (up.keys.contains(key)) {
            changed.push_back(&rec);
            matched.insert(key);
        }
    }
    // A changed row no record's key text matches would silently lose its
    // children: refuse the page instead (keyValues must equal key::text).
    if (matched.size() != up.keys.size())
        throw TargetError(
            "writing " + spec_.name + ": " + std::to_string(up.keys.size() - matched.size()) +
            " changed rows match no record's key text; their children cannot be written");
    for (std::size_t i = 0; i < spec_.children.size(); ++i) {
        std::string join;
        for (std::size_t k = 0; k < parentKeys.size(); ++k) {
            if (k) join += " AND ";
            join += "c." + quoteIdent(parentKeys[k]) + " = u." + quoteIdent(spec_.primaryKey[k]);
        }
        const std::string child = qualified(schema_, spec_.children[i].table);
        // DELETE ... USING the temp table is planned as a hash join that reads the
        // whole child table on every page (the temp table has no statistics);
        // = ANY(ARRAY(...)) makes it an index lookup per changed parent.
        if (!anyUpdated) {
            // Every parent is new: nothing to delete (a first sync never deletes).
        } else if (parentKeys.size() == 1)
            tx.exec("DELETE FROM " + child + " c WHERE c." + quoteIdent(parentKeys[0]) +
                    " = ANY (ARRAY(SELECT u." + quoteIdent(spec_.primaryKey[0]) + " FROM " +
                    quoteIdent(upserted_) + " u WHERE NOT u.inserted))");
        else
            tx.exec("DELETE FROM " + child + " c USING " + quoteIdent(upserted_) +
                    " u WHERE NOT u.inserted AND " + join);
        bool any = false;
        for (const MappedRecord* rec : changed)
            if (i < rec->children.size() && !rec->children[i].empty()) any = true;
        if (!any) continue;
        CopyWriter out(tx, child, quotedAll(spec_.childValueColumns(i)));
        for (const MappedRecord* rec : changed) {
            if (i >= rec->children.size()) continue;
            for (const auto& childRow : rec->children[i]) out.write(childRow);
        }
        out.complete();
    }
}

void PostgresWriter::storeRejects(pqxx::transaction_base& tx, const PageBatch& batch) {
    const std::string table = qualified(schema_, "sync_rejects");
    for (const auto& r : batch.rejects) {
        if (r.key.empty()) {
            tx.exec_params("INSERT INTO " + table +
                               " (stream, record_key, raw_json, error, run_id) VALUES ($1, '', $2, $3, $4)",
                           spec_.name, r.rawJson, text::validUtf8(r.error), runId_);
        } else {
            tx.exec_params("INSERT INTO " + table +
                               " (stream, record_key, raw_json, error, run_id) VALUES ($1, $2, $3, $4, $5) "
                               "ON CONFLICT (stream, record_key) WHERE record_key <> '' DO UPDATE SET "
                               "raw_json = EXCLUDED.raw_json, error = EXCLUDED.error, run_id = "
                               "EXCLUDED.run_id, rejected_at = now()",
                           // A raw key may hold NUL, which libpq would silently cut there.
                           spec_.name, text::validUtf8(r.key), r.rawJson, text::validUtf8(r.error), runId_);
        }
    }
}

void PostgresWriter::clearRejects(pqxx::transaction_base& tx) {
    // The key text must be built exactly as keyText() builds it.
    std::string keyExpr;
    for (std::size_t i = 0; i < spec_.primaryKey.size(); ++i) {
        if (i) keyExpr += " || ',' || ";
        // The literal is quoted here rather than by tx.quote(): its inlined `"'" + esc(...)`
        // trips g++ 12's false -Wrestrict at -O3 (GCC bug 105329). Never NULL, so the same.
        keyExpr += '\'';
        keyExpr += tx.esc(spec_.primaryKey[i] + "=");
        keyExpr += "' || u.";
        keyExpr += quoteIdent(spec_.primaryKey[i]);
        keyExpr += "::text";
    }
    tx.exec_params("DELETE FROM " + qualified(schema_, "sync_rejects") + " r USING " +
                       quoteIdent(upserted_) + " u WHERE r.stream = $1 AND r.record_key = " + keyExpr,
                   spec_.name);
}

WriteResult PostgresWriter::writePage(const PageBatch& batch) { return write(batch, nullptr); }

WriteResult PostgresWriter::writePages(std::vector<PageBatch>& pages) {
    if (pages.size() == 1) return write(pages.front(), nullptr);
    for (std::size_t i = 0; i + 1 < pages.size(); ++i)
        if (!pages[i].rejects.empty())
            throw std::logic_error("writePages: rejects on a page other than the last");
    // One version per record, the one the upserts of the pages one by one would
    // leave: a later version replaces an earlier one under the upsert's own guard
    // (not older; a missing cursor never blocks). The upsert's DISTINCT ON cannot
    // decide this (it does not know which page a staged row came from), and
    // two versions of a parent would send the children of both.
    PageBatch merged;
    std::unordered_map<std::string, std::size_t> at;
    std::string key;
    for (auto& page : pages) {
        for (auto& rec : page.records) {
            key.clear();
            for (const auto& k : rec.keyValues) key.append(k).push_back('\0');
            auto [it, fresh] = at.try_emplace(key, merged.records.size());
            if (fresh) {
                merged.records.push_back(std::move(rec));
                continue;
            }
            MappedRecord& kept = merged.records[it->second];
            if (!kept.cursorMicros || !rec.cursorMicros || *rec.cursorMicros >= *kept.cursorMicros)
                kept = std::move(rec);
        }
        for (auto& r : page.rejects) merged.rejects.push_back(std::move(r));
        if (page.checkpoint) merged.checkpoint = std::move(page.checkpoint);
    }
    return write(merged, nullptr);
}

WriteResult PostgresWriter::write(const PageBatch& batch, const std::vector<std::int64_t>* seenIds) {
    WriteResult result;
    try {
        pqxx::work tx(conn_);
        ensureStaging(tx);
        copyRows(tx, batch);
        if (!batch.records.empty()) {
            admitVersionsOfTheRepeatedHour(tx, spec_, qualified(schema_, spec_.table),
                                           quoteIdent(stage_), batch);
            const Upserted up = upsert(tx);
            result.upserted = up.changed;
            if (up.changed > 0) {
                replaceChildren(tx, batch, up);
                clearRejects(tx);
            }
        }
        storeRejects(tx, batch);
        result.rejected = static_cast<std::int64_t>(batch.rejects.size());
        if (seenIds && !seenIds->empty()) {
            CopyWriter out(tx, quoteIdent(seen_), {"id"});
            for (std::int64_t id : *seenIds) out.write({std::to_string(id)});
            out.complete();
        }
        if (batch.checkpoint) state_.save(tx, spec_.name, *batch.checkpoint);
        tx.commit();
    } catch (const pqxx::broken_connection& e) {
        stagingReady_ = false;
        throw TargetError(std::string("lost the PostgreSQL connection while writing ") + spec_.name +
                          ": " + e.what());
    } catch (const pqxx::sql_error& e) {
        throw TargetError("writing a page of " + spec_.name + " into " + schema_ + "." + spec_.table +
                          " failed: " + e.what() + " (does the table match the mapping " +
                          spec_.file + "? run `intouch-sync check`)");
    }
    return result;
}

void PostgresWriter::beginReconcile() {
    if (spec_.primaryKey.size() != 1)
        throw ConfigError("stream " + spec_.name + " has a composite key; it is re-read whole and needs no reconcile");
    try {
        pqxx::work tx(conn_);
        tx.exec("DROP TABLE IF EXISTS " + quoteIdent(seen_));
        tx.exec("CREATE TEMP TABLE " + quoteIdent(seen_) + " (id bigint NOT NULL)");
        tx.commit();
    } catch (const pqxx::sql_error& e) {
        throw TargetError("preparing reconciliation of " + spec_.name + " failed: " + e.what());
    }
}

WriteResult PostgresWriter::writeReconcilePage(const PageBatch& batch,
                                               const std::vector<std::int64_t>& seenIds) {
    return write(batch, &seenIds);
}

std::int64_t PostgresWriter::finishReconcile(bool hardDelete) {
    const std::string target = qualified(schema_, spec_.table);
    const std::string key = quoteIdent(spec_.primaryKey.front());
    try {
        pqxx::work tx(conn_);
        tx.exec("CREATE INDEX ON " + quoteIdent(seen_) + " (id)");
        tx.exec("ANALYZE " + quoteIdent(seen_));
        const std::string unseen = std::string(hardDelete ? "" : " t.deleted_at IS NULL AND") +
                                   " NOT EXISTS (SELECT 1 FROM " + quoteIdent(seen_) + " s WHERE s.id = t." +
                                   key + ")";
        pqxx::result r = hardDelete
                             ? tx.exec("DELETE FROM " + target + " t WHERE" + unseen)
                             : tx.exec("UPDATE " + target + " t SET deleted_at = now() WHERE" + unseen);
        tx.exec("DROP TABLE " + quoteIdent(seen_));
        tx.commit();
        return static_cast<std::int64_t>(r.affected_rows());
    } catch (const pqxx::sql_error& e) {
        throw TargetError("marking deleted rows of " + spec_.name + " failed: " + e.what());
    }
}

WriteResult PostgresWriter::replaceAll(const PageBatch& batch) {
    WriteResult result;
    try {
        pqxx::work tx(conn_);
        ensureStaging(tx);
        copyRows(tx, batch);
        const Upserted up = upsert(tx);
        result.upserted = up.changed;
        if (up.changed > 0) {
            replaceChildren(tx, batch, up);
            clearRejects(tx);
        }
        std::string match;
        for (const auto& k : spec_.primaryKey) {
            if (!match.empty()) match += " AND ";
            match += "s." + quoteIdent(k) + " = t." + quoteIdent(k);
        }
        // A record the mapping rejected is still in the CRM: its previous row stays (the
        // key text is built as keyText() builds it, as for sync_rejects).
        // Literals are quoted by hand, not by tx.quote(): its inlined `"'" + esc(...)` trips
        // g++ 12's false -Wrestrict at -O3 (GCC bug 105329). A NUL (which the query text cannot
        // carry) stands as U+FFFD, as the mapper stored it in the row's key column.
        auto literal = [&tx](std::string text) {
            for (std::size_t p = text.find('\0'); p != std::string::npos; p = text.find('\0', p))
                text.replace(p, 1, "\xEF\xBF\xBD");
            std::string out(1, '\'');
            out += tx.esc(text);
            out += '\'';
            return out;
        };
        std::string keep;
        for (const auto& r : batch.rejects) {
            if (r.key.empty()) continue;
            if (!keep.empty()) keep += ", ";
            keep += literal(r.key);
        }
        if (!keep.empty()) {
            std::string keyExpr;
            for (std::size_t i = 0; i < spec_.primaryKey.size(); ++i) {
                if (i) keyExpr += " || ',' || ";
                keyExpr += literal(spec_.primaryKey[i] + "=");
                keyExpr += " || t.";
                keyExpr += quoteIdent(spec_.primaryKey[i]);
                keyExpr += "::text";
            }
            keep = " AND (" + keyExpr + ") NOT IN (" + keep + ")";
        }
        // Children go with their parents (ON DELETE CASCADE).
        result.deleted = static_cast<std::int64_t>(
            tx.exec("DELETE FROM " + qualified(schema_, spec_.table) + " t WHERE NOT EXISTS (SELECT 1 FROM " +
                    quoteIdent(stage_) + " s WHERE " + match + ")" + keep)
                .affected_rows());
        storeRejects(tx, batch);
        result.rejected = static_cast<std::int64_t>(batch.rejects.size());
        if (batch.checkpoint) state_.save(tx, spec_.name, *batch.checkpoint);
        tx.commit();
    } catch (const pqxx::broken_connection& e) {
        stagingReady_ = false;
        throw TargetError(std::string("lost the PostgreSQL connection while writing ") + spec_.name +
                          ": " + e.what());
    } catch (const pqxx::sql_error& e) {
        throw TargetError("replacing " + schema_ + "." + spec_.table + " failed: " + e.what() +
                          " (does the table match the mapping " + spec_.file +
                          "? run `intouch-sync check`)");
    }
    return result;
}

}  // namespace intouch
