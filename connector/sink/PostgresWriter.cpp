#include "sink/PostgresWriter.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/Errors.hpp"
#include "common/Log.hpp"
#include "common/StopSignal.hpp"
#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"
#include "common/Utf8Text.hpp"
#include "sink/ChildRows.hpp"
#include "sink/CopyWriter.hpp"
#include "sink/TableStatistics.hpp"
#include "state/Checkpoint.hpp"

namespace intouch {

namespace {

// A direct (first-sync) page that the target's primary key refused: writePage upserts it.
struct DirectConflict : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// After this many refused direct pages a run upserts the rest: something else writes the table.
constexpr int kMaxConflicts = 3;

// Whether some key comes twice in the batch (the upsert then needs DISTINCT ON).
bool holdsAKeyTwice(const PageBatch& batch) {
    std::unordered_set<std::string> seen;
    seen.reserve(batch.records.size());
    std::string key;
    for (const auto& rec : batch.records) {
        rowKey(rec.keyValues, key);
        if (!seen.insert(key).second) return true;
    }
    return false;
}

// Temporary, per session, emptied at every commit: the staging tables cost
// nothing to keep and never leak rows from one page into the next.
constexpr std::string_view kCreateStage = R"(
CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS
SELECT {columns}, record_hash FROM {target} WITH NO DATA)";

// `inserted` marks parents the upsert created: they cannot have children yet
// (the children's foreign key), so their children need no DELETE.
constexpr std::string_view kCreateUpserted = R"(
CREATE TEMP TABLE IF NOT EXISTS {upserted} ON COMMIT DELETE ROWS AS
SELECT {key}, NULL::boolean AS inserted FROM {target} WITH NO DATA)";

// One version per key from the staged page, moved into the target when it is
// newer (the guard). xmax is 0 exactly in the rows this statement inserted (an
// updated row carries the updating transaction's id). The changed rows' keys are
// kept in {upserted} and come back as text, so that only the changed parents'
// children are sent (replaceChildren).
// DISTINCT ON (and its sort) only when the page holds a key twice ({distinct}, {order_by}).
constexpr std::string_view kUpsert = R"(
WITH up AS (
    INSERT INTO {target} AS t ({columns}, record_hash, synced_at)
    SELECT {distinct}{columns}, record_hash, now()
    FROM {stage}{order_by}
    ON CONFLICT ({key}) DO UPDATE SET {updates}
    WHERE {guard}
    RETURNING {returned_key}, t.xmax = 0 AS inserted),
kept AS (INSERT INTO {upserted} SELECT * FROM up)
SELECT inserted{key_texts} FROM up)";

// Never let an older version of a record overwrite a newer one; a same-time
// version with other content is accepted (second-granular stamps). A row marked
// deleted is always replaced: the record is back.
constexpr std::string_view kIncrementalGuard = R"((t.deleted_at IS NOT NULL OR
    (t.record_hash <> EXCLUDED.record_hash AND
     (EXCLUDED.{cursor} >= t.{cursor} OR t.{cursor} IS NULL OR EXCLUDED.{cursor} IS NULL))))";

// Children of parents that existed before are not all rewritten: most edits leave a
// record's children as they were, and deleting and COPYing them again costs an index
// entry, a foreign-key check and WAL per child row. They are staged instead; the stored
// rows that the staged ones do not repeat exactly (the same text in every column) are
// deleted, and the staged rows whose place (parent key, idx) is then free are inserted.
// The result is the same table as deleting all and inserting all.
// The DELETE finds the stored rows with = ANY(ARRAY(...)): DELETE ... USING the temp table
// is planned as a hash join that reads the whole child table on every page (the temp table
// has no statistics); the array makes it an index lookup per changed parent.
constexpr std::string_view kCreateChildStage = R"(
CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS
SELECT {columns} FROM {child} WITH NO DATA)";
constexpr std::string_view kDeleteChangedChildrenOfOneKey = R"(
DELETE FROM {child} c
WHERE c.{parent_key} = ANY (ARRAY(SELECT u.{key} FROM {upserted} u WHERE NOT u.inserted))
  AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE {same}))";
constexpr std::string_view kDeleteChangedChildren = R"(
DELETE FROM {child} c USING {upserted} u WHERE NOT u.inserted AND {join}
  AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE {same}))";
constexpr std::string_view kInsertNewChildren = R"(
INSERT INTO {child} ({columns})
SELECT {columns} FROM {stage} s
WHERE NOT EXISTS (SELECT 1 FROM {child} c WHERE {place}))";

constexpr std::string_view kInsertKeylessReject = R"(
INSERT INTO {rejects} (stream, record_key, raw_json, error, run_id) VALUES ($1, '', $2, $3, $4))";
constexpr std::string_view kUpsertReject = R"(
INSERT INTO {rejects} (stream, record_key, raw_json, error, run_id) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (stream, record_key) WHERE record_key <> '' DO UPDATE SET
    raw_json = EXCLUDED.raw_json, error = EXCLUDED.error, run_id = EXCLUDED.run_id,
    rejected_at = now())";

// A record that was rejected before and is now written is no longer a reject.
constexpr std::string_view kClearRejects = R"(
DELETE FROM {rejects} r USING {upserted} u WHERE r.stream = $1 AND r.record_key = {key_text})";

// Children go with their parents (ON DELETE CASCADE).
constexpr std::string_view kDeleteUnread = R"(
DELETE FROM {target} t
WHERE NOT EXISTS (SELECT 1 FROM {stage} s WHERE {match}){keep_rejected})";
constexpr std::string_view kKeepRejected = R"( AND ({key_text}) NOT IN ({rejected_keys}))";

constexpr std::string_view kMarkUnseen = R"(
UPDATE {target} t SET deleted_at = now()
WHERE t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM {seen} s WHERE s.id = t.{key}))";
constexpr std::string_view kDeleteUnseen = R"(
DELETE FROM {target} t WHERE NOT EXISTS (SELECT 1 FROM {seen} s WHERE s.id = t.{key}))";

// Eight hex digits of a text (std::hash: stable within the process, which is all a session
// table's name needs).
std::string hexHash(const std::string& text) {
    static const char* digits = "0123456789abcdef";
    std::size_t h = std::hash<std::string>{}(text);
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = digits[h & 15];
    return out;
}

std::vector<std::string> quotedAll(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const auto& n : names) out.push_back(quoteIdent(n));
    return out;
}

// A text literal. Quoted by hand, not by tx.quote(): its inlined `"'" + esc(...)` trips
// g++ 12's false -Wrestrict at -O3 (GCC bug 105329). A NUL (which the query text cannot
// carry) stands as U+FFFD, as the mapper stored it in the row's key column.
std::string literal(const pqxx::transaction_base& tx, std::string text) {
    for (std::size_t p = text.find('\0'); p != std::string::npos; p = text.find('\0', p))
        text.replace(p, 1, "\xEF\xBF\xBD");
    std::string out(1, '\'');
    out += tx.esc(text);
    out += '\'';
    return out;
}

// SQL building keyText() of the row `alias`: 'org=' || u."org"::text || ',' || ...
// It must stay the text keyText() builds: sync_rejects.record_key is compared with it.
std::string keyTextSql(const pqxx::transaction_base& tx, const std::vector<std::string>& key,
                       std::string_view alias) {
    std::string out;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i) out += " || ',' || ";
        out += literal(tx, key[i] + "=");
        out += " || ";
        out.append(alias).append(".").append(quoteIdent(key[i])).append("::text");
    }
    return out;
}

// `a.x = b.y AND ...` over two lists of columns.
std::string columnsEqual(std::string_view a, const std::vector<std::string>& left,
                         std::string_view b, const std::vector<std::string>& right) {
    std::string out;
    for (std::size_t k = 0; k < left.size(); ++k) {
        if (k) out += " AND ";
        out.append(a).append(".").append(quoteIdent(left[k]));
        out.append(" = ").append(b).append(".").append(quoteIdent(right[k]));
    }
    return out;
}

}  // namespace

PostgresWriter::PostgresWriter(pqxx::connection_base& conn, std::string schema,
                               const StreamSpec& spec, std::optional<std::int64_t> runId,
                               SecondConnection secondConnection)
    : conn_(conn),
      schema_(std::move(schema)),
      spec_(spec),
      runId_(runId),
      secondConnection_(std::move(secondConnection)),
      state_(schema_),
      stage_("_stage_" + spec_.table),
      upserted_("_upserted_" + spec_.table),
      seen_("_seen_" + spec_.table),
      history_(schema_, spec_, upserted_) {}

void PostgresWriter::ensureStaging(pqxx::transaction_base& tx) {
    if (stagingReady_) return;
    const std::string target = qualified(schema_, spec_.table);
    tx.exec(fillSql(kCreateStage, {{"stage", quoteIdent(stage_)},
                                   {"columns", identList(spec_.valueColumns())},
                                   {"target", target}}));
    tx.exec(fillSql(kCreateUpserted, {{"upserted", quoteIdent(upserted_)},
                                      {"key", identList(spec_.primaryKey)},
                                      {"target", target}}));
    stagingReady_ = true;
}

void PostgresWriter::copyRows(pqxx::transaction_base& tx, const PageBatch& batch) {
    if (batch.records.empty()) return;
    auto cols = quotedAll(spec_.valueColumns());
    cols.push_back("record_hash");
    CopyWriter out(tx, quoteIdent(stage_), cols);
    for (const auto& rec : batch.records) out.write(rec.values, rec.hash);
    out.complete();
}

std::string PostgresWriter::upsertSql(bool distinct) const {
    const auto valueCols = spec_.valueColumns();
    std::string updates;
    for (const auto& c : valueCols) {
        const std::string q = quoteIdent(c);
        updates.append(q).append(" = EXCLUDED.").append(q).append(", ");
    }
    updates += "record_hash = EXCLUDED.record_hash, synced_at = EXCLUDED.synced_at";
    std::string guard = "t.record_hash <> EXCLUDED.record_hash";
    std::string order = identList(spec_.primaryKey);
    if (spec_.mode == SyncMode::Incremental) {
        const std::string cursor = quoteIdent(spec_.cursorColumn);
        updates += ", deleted_at = NULL";
        guard = fillSql(kIncrementalGuard, {{"cursor", cursor}});
        order.append(", ").append(cursor).append(" DESC NULLS LAST");
    }
    std::string keyTexts;
    for (const auto& k : spec_.primaryKey) keyTexts.append(", ").append(quoteIdent(k)).append("::text");
    std::string distinctOn, orderBy;
    if (distinct) {
        distinctOn.append("DISTINCT ON (").append(identList(spec_.primaryKey)).append(") ");
        orderBy.append("\n    ORDER BY ").append(order);
    }
    return fillSql(kUpsert, {{"target", qualified(schema_, spec_.table)},
                             {"columns", identList(valueCols)},
                             {"key", identList(spec_.primaryKey)},
                             {"stage", quoteIdent(stage_)},
                             {"distinct", distinctOn},
                             {"order_by", orderBy},
                             {"updates", updates},
                             {"guard", guard},
                             {"returned_key", identList(spec_.primaryKey, "t.")},
                             {"upserted", quoteIdent(upserted_)},
                             {"key_texts", keyTexts}});
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

constexpr std::string_view kAdmitRepeatedHour = R"(
UPDATE {target} AS t SET {cursor} = s.{cursor} FROM {stage} AS s
WHERE {match} AND t.record_hash <> s.record_hash AND t.{cursor} > s.{cursor} AND ({spans}))";
constexpr std::string_view kRepeatedSpan = R"((t.{cursor} >= {from} AND t.{cursor} < {from} + interval '2 hours' AND s.{cursor} >= {from} AND s.{cursor} < {from} + interval '2 hours'))";

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
    for (const auto& k : spec.primaryKey) {
        if (!match.empty()) match.append(" AND ");
        match.append("t.").append(quoteIdent(k)).append(" = s.").append(quoteIdent(k));
    }
    std::string spans;
    for (std::int64_t start : starts) {
        // Two hours: the span of a one-hour change (a 30-minute change's span is shorter;
        // admitting the half hour after it too only re-admits same-order versions).
        std::string from = "'";
        from.append(tx.esc(formatUtcMicros(start))).append("'::timestamptz");
        if (!spans.empty()) spans.append(" OR ");
        spans.append(fillSql(kRepeatedSpan, {{"cursor", cur}, {"from", from}}));
    }
    tx.exec(fillSql(kAdmitRepeatedHour, {{"target", target},
                                         {"stage", stage},
                                         {"cursor", cur},
                                         {"match", match},
                                         {"spans", spans}}));
}

}  // namespace

PostgresWriter::Upserted PostgresWriter::upsert(pqxx::transaction_base& tx, bool distinct) {
    std::string& sql = distinct ? upsertDistinctSql_ : upsertSql_;
    if (sql.empty()) sql = upsertSql(distinct);
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

std::vector<const MappedRecord*> PostgresWriter::changedRecords(const PageBatch& batch,
                                                                const Upserted& up) const {
    // Children of a parent the upsert left alone (older or unchanged version)
    // stay as they are; the others are replaced.
    std::vector<const MappedRecord*> changed;
    std::unordered_set<std::string> matched;
    std::string key;
    for (const auto& rec : batch.records) {
        rowKey(rec.keyValues, key);
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
    return changed;
}

void PostgresWriter::replaceChildren(pqxx::transaction_base& tx, const PageBatch& batch,
                                     const Upserted& up) {
    if (spec_.children.empty()) return;
    const std::vector<const MappedRecord*> changed = changedRecords(batch, up);
    for (std::size_t i = 0; i < spec_.children.size(); ++i) {
        const bool any = hasChildRows(changed, i);
        // Parents the upsert inserted have no children yet: a first sync never deletes.
        if (up.updated > 0) {
            replaceChildrenOfUpdated(tx, i, changed, any);
            continue;
        }
        if (!any) continue;
        const std::string child = qualified(schema_, spec_.children[i].table);
        CopyWriter out(tx, child, quotedAll(spec_.childValueColumns(i)));
        forEachChildRow(changed, i, [&](const MappedRecord&, const MappedRow& row) { out.write(row); });
        out.complete();
    }
}

void PostgresWriter::replaceChildrenOfUpdated(pqxx::transaction_base& tx, std::size_t i,
                                              const std::vector<const MappedRecord*>& changed,
                                              bool any) {
    const std::string child = qualified(schema_, spec_.children[i].table);
    const auto parentKeys = spec_.childParentKeyColumns();
    const auto columns = spec_.childValueColumns(i);
    // Named by its columns too: a writer of another mapping on the same session (its child
    // columns changed) gets a staging table of its own, not one with the old columns.
    const std::string stage = quoteIdent(
        "_children_" + spec_.children[i].table + "_" + hexHash(identList(columns)));
    if (childStagesReady_.size() != spec_.children.size())
        childStagesReady_.assign(spec_.children.size(), false);
    if (!childStagesReady_[i]) {
        tx.exec(fillSql(kCreateChildStage,
                        {{"stage", stage}, {"columns", identList(columns)}, {"child", child}}));
        childStagesReady_[i] = true;
    }
    if (any) {
        CopyWriter out(tx, stage, quotedAll(columns));
        forEachChildRow(changed, i, [&](const MappedRecord&, const MappedRow& row) { out.write(row); });
        out.complete();
    }
    // The same text in every column, NULL matching NULL: a stored numeric 1.0 is not kept
    // for an incoming 1.00, as it would not be by the rewrite.
    std::string same;
    for (const auto& c : columns) {
        if (!same.empty()) same.append(" AND ");
        const std::string q = quoteIdent(c);
        if (c == kChildIndexColumn ||
            std::find(parentKeys.begin(), parentKeys.end(), c) != parentKeys.end())
            same.append("s.").append(q).append(" = c.").append(q);
        else
            same.append("s.").append(q).append("::text IS NOT DISTINCT FROM c.").append(q).append("::text");
    }
    if (parentKeys.size() == 1)
        tx.exec(fillSql(kDeleteChangedChildrenOfOneKey,
                        {{"child", child},
                         {"parent_key", quoteIdent(parentKeys[0])},
                         {"key", quoteIdent(spec_.primaryKey[0])},
                         {"upserted", quoteIdent(upserted_)},
                         {"stage", stage},
                         {"same", same}}));
    else
        tx.exec(fillSql(kDeleteChangedChildren,
                        {{"child", child},
                         {"upserted", quoteIdent(upserted_)},
                         {"join", columnsEqual("c", parentKeys, "u", spec_.primaryKey)},
                         {"stage", stage},
                         {"same", same}}));
    if (!any) return;
    auto place = parentKeys;
    place.emplace_back(kChildIndexColumn);
    tx.exec(fillSql(kInsertNewChildren, {{"child", child},
                                         {"columns", identList(columns)},
                                         {"stage", stage},
                                         {"place", columnsEqual("c", place, "s", place)}}));
}

void PostgresWriter::storeRejects(pqxx::transaction_base& tx, const PageBatch& batch) {
    if (batch.rejects.empty()) return;
    rejectsMayExist_ = true;
    const std::string table = qualified(schema_, "sync_rejects");
    const std::string keyless = fillSql(kInsertKeylessReject, {{"rejects", table}});
    const std::string keyed = fillSql(kUpsertReject, {{"rejects", table}});
    for (const auto& r : batch.rejects) {
        if (r.key.empty())
            tx.exec_params(keyless, spec_.name, r.rawJson, text::validUtf8(r.error), runId_);
        else
            // A raw key may hold NUL, which libpq would silently cut there.
            tx.exec_params(keyed, spec_.name, text::validUtf8(r.key), r.rawJson,
                           text::validUtf8(r.error), runId_);
    }
}

void PostgresWriter::clearRejects(pqxx::transaction_base& tx) {
    // Only this stream's writer (under the stream's lock) stores its rejects: once it knows
    // there are none, a page has nothing to clear, and the statement is saved.
    if (!rejectsMayExist_) {
        std::string sql = "SELECT EXISTS (SELECT 1 FROM ";
        sql.append(qualified(schema_, "sync_rejects")).append(" WHERE stream = $1)");
        rejectsMayExist_ = tx.exec_params(sql, spec_.name)[0][0].as<bool>();
    }
    if (!*rejectsMayExist_) return;
    tx.exec_params(fillSql(kClearRejects, {{"rejects", qualified(schema_, "sync_rejects")},
                                           {"upserted", quoteIdent(upserted_)},
                                           {"key_text", keyTextSql(tx, spec_.primaryKey, "u")}}),
                   spec_.name);
}

Totals PostgresWriter::upsertPage(pqxx::transaction_base& tx, const PageBatch& batch) {
    Totals result;
    recordOwedVersions(tx);
    ensureStaging(tx);
    copyRows(tx, batch);
    if (!batch.records.empty()) {
        admitVersionsOfTheRepeatedHour(tx, spec_, qualified(schema_, spec_.table), quoteIdent(stage_),
                                       batch);
        const Upserted up = upsert(tx, holdsAKeyTwice(batch));
        result.upserted = up.changed;
        if (up.changed > 0) {
            replaceChildren(tx, batch, up);
            history_.recordChanged(tx);
            clearRejects(tx);
        }
    }
    storeRejects(tx, batch);
    result.rejected = static_cast<std::int64_t>(batch.rejects.size());
    return result;
}

Totals PostgresWriter::transact(const std::string& what, const PageBatch& batch,
                                const std::function<Totals(pqxx::transaction_base&)>& steps,
                                bool relaxed) {
    copiedDirect_ = false;
    owedMarkedInTx_ = owedPaidInTx_ = false;
    try {
        pqxx::work tx(conn_);
        // Page transactions of an incremental read (and of a full refresh's shadow) commit
        // without waiting for the WAL flush. Nothing is lost by it: the page's rows and its
        // checkpoint share this transaction, so a commit that a server crash takes back
        // takes both, and the next run reads those records again from the older
        // checkpoint. And nothing outside waits on it: every later effect that must be
        // durable -- sync_runs/sync_stream_runs (RunHistory), a reconcile's pages and
        // finish, replaceAll, the full refresh's swap, the exit code printed after the
        // run's history is committed -- commits synchronously, and a synchronous commit
        // flushes the WAL up to itself, which holds every earlier asynchronous commit.
        if (relaxed) tx.exec("SET LOCAL synchronous_commit = off");
        Totals result = steps(tx);
        if (batch.checkpoint) state_.save(tx, spec_.name, *batch.checkpoint);
        tx.commit();
        settleOwedVersions();
        return result;
    } catch (const pqxx::unique_violation& e) {
        versionsOwed_.reset();  // whatever the transaction did to the mark is undone
        stagingReady_ = false;  // rolled back with the transaction, if it made them
        childStagesReady_.clear();
        if (copiedDirect_) throw DirectConflict(e.what());
        throw TargetError(what + " failed: " + e.what() + " (does the table match the mapping " +
                          spec_.file + "? run `intouch-sync check`)");
    } catch (const pqxx::broken_connection& e) {
        versionsOwed_.reset();
        stagingReady_ = false;
        childStagesReady_.clear();
        throw TargetError(std::string("lost the PostgreSQL connection while writing ") + spec_.name +
                          ": " + e.what());
    } catch (const pqxx::sql_error& e) {
        versionsOwed_.reset();
        childStagesReady_.clear();  // CREATE TEMP TABLE IF NOT EXISTS again costs nothing
        throw TargetError(what + " failed: " + e.what() + " (does the table match the mapping " +
                          spec_.file + "? run `intouch-sync check`)");
    }
}

std::string PostgresWriter::writingPage() const {
    std::string what = "writing a page of ";
    what.append(spec_.name).append(" into ").append(schema_).append(".").append(spec_.table);
    return what;
}

Totals PostgresWriter::writePage(const PageBatch& batch) {
    try {
        Path path = Path::Upsert;
        Totals t = transact(
            writingPage(), batch,
            [&](pqxx::transaction_base& tx) { return writeIncremental(tx, batch, path); }, true);
        count(path);
        return t;
    } catch (const DirectConflict& e) {
        // A record from further back than the previous page (an edit moved it past the
        // reader, a tie group re-read in id order) or a row someone else wrote: the
        // transaction is rolled back whole and the page goes through the guarded upsert.
        if (++conflicts_ >= kMaxConflicts) direct_ = false;
        log::info("first sync: a record of the page is in the table already; the page is "
                  "written with the guarded upsert",
                  {{"stream", spec_.name},
                   {"direct", *direct_ ? "kept for the next pages" : "off for this run"}});
        Totals t = transact(
            writingPage(), batch, [&](pqxx::transaction_base& tx) { return upsertPage(tx, batch); },
            true);
        rememberKeys(batch);
        count(Path::FellBack);
        return t;
    }
}

void PostgresWriter::count(Path path) {
    if (path == Path::Direct) {
        ++paths_.direct;
        return;
    }
    ++paths_.upserted;
    if (path == Path::FellBack) ++paths_.fellBack;
}

Totals PostgresWriter::writeIncremental(pqxx::transaction_base& tx, const PageBatch& batch,
                                        Path& path) {
    if (!direct_) decideFirstSync(tx);
    if (*direct_) return writeDirect(tx, batch, path);
    path = Path::Upsert;
    return upsertPage(tx, batch);
}

void PostgresWriter::decideFirstSync(pqxx::transaction_base& tx) {
    // Read under the stream's lock (SyncJob holds it for the whole stream), so no other run
    // of this stream writes meanwhile. A run killed half-way committed pages with their
    // checkpoint: the next one sees rows and a checkpoint and upserts.
    std::string sql = "SELECT NOT EXISTS (SELECT 1 FROM ";
    sql.append(qualified(schema_, spec_.table)).append(")");
    for (const auto& child : spec_.children)
        sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(qualified(schema_, child.table)).append(")");
    if (spec_.history) {
        // A version left open (the table emptied by hand) would need closing: upsert.
        std::vector<std::string> tables{spec_.table};
        for (const auto& child : spec_.children) tables.push_back(child.table);
        for (const auto& t : tables)
            sql.append(" AND NOT EXISTS (SELECT 1 FROM ")
                .append(qualified(schema_, historyTable(t)))
                .append(" WHERE ")
                .append(quoteIdent(kValidToColumn))
                .append(" IS NULL)");
    }
    sql.append(" AND NOT EXISTS (SELECT 1 FROM ")
        .append(qualified(schema_, "sync_state"))
        .append(" WHERE stream = $1), EXISTS (SELECT 1 FROM ")
        .append(qualified(schema_, "sync_rejects"))
        .append(" WHERE stream = $1)");
    const pqxx::result r = tx.exec_params(sql, spec_.name);
    direct_ = r[0][0].as<bool>();
    rejectsMayExist_ = r[0][1].as<bool>();
    if (*direct_)
        log::info("first sync into empty tables: rows are copied straight in, without staging "
                  "or upsert",
                  {{"stream", spec_.name}, {"table", spec_.table}});
}

void PostgresWriter::rememberKeys(const PageBatch& batch) {
    previousKeys_.clear();
    std::string key;
    for (const auto& rec : batch.records) {
        rowKey(rec.keyValues, key);
        previousKeys_[key] = rec.hash;
    }
}

Totals PostgresWriter::writeDirect(pqxx::transaction_base& tx, const PageBatch& batch, Path& path) {
    // The pager re-reads the previous page's last record(s) (the overlap, a widened
    // overlap, a tie group's tail: all from the page before), so those keys are what a
    // page can bring again: the same content is dropped (the upsert would change
    // nothing), another content needs the upsert's guard. A key from further back is
    // refused by the primary key, and writePage then upserts the page.
    std::unordered_map<std::string, std::string> pageKeys;
    pageKeys.reserve(batch.records.size());
    std::vector<const MappedRecord*> rows;
    rows.reserve(batch.records.size());
    const char* conflict = nullptr;
    std::string key;
    for (const auto& rec : batch.records) {
        rowKey(rec.keyValues, key);
        auto prev = previousKeys_.find(key);
        if (prev != previousKeys_.end()) {
            if (prev->second == rec.hash) continue;
            conflict = "a record of the previous page came again with other content";
            break;
        }
        auto [it, fresh] = pageKeys.try_emplace(key, rec.hash);
        if (!fresh) {
            if (it->second == rec.hash) continue;
            conflict = "the page holds two versions of a record";
            break;
        }
        rows.push_back(&rec);
    }
    if (conflict) {
        log::info("first sync: the page is written with the guarded upsert",
                  {{"stream", spec_.name}, {"reason", conflict}});
        path = Path::FellBack;
        Totals t = upsertPage(tx, batch);
        rememberKeys(batch);
        return t;
    }
    path = Path::Direct;
    Totals result;
    if (!rows.empty()) {
        copiedDirect_ = true;
        auto cols = quotedAll(spec_.valueColumns());
        cols.push_back("record_hash");
        {
            CopyWriter out(tx, qualified(schema_, spec_.table), cols);
            for (const MappedRecord* rec : rows) out.write(rec->values, rec->hash);
            out.complete();
        }
        for (std::size_t i = 0; i < spec_.children.size(); ++i) {
            if (!hasChildRows(rows, i)) continue;
            CopyWriter out(tx, qualified(schema_, spec_.children[i].table),
                           quotedAll(spec_.childValueColumns(i)));
            forEachChildRow(rows, i, [&](const MappedRecord&, const MappedRow& row) { out.write(row); });
            out.complete();
        }
        // The rows' first versions: owed until the end of the stream (recordOwedVersions:
        // writing a page's four tables in turn costs PostgreSQL 15-25% more than writing
        // the versions apart, bench/README.md), or, once a payment ended the deferring,
        // COPYed from the records too (copyInserted). The keys are staged only for what must
        // join them (a cursor type copyInserted leaves to recordInserted, rejects to clear).
        bool copiedHistory = true;
        if (history_.enabled() && deferVersions_) {
            if (versionsOwed_ != true) {
                history_.markOwed(tx);
                owedMarkedInTx_ = true;
            }
        } else {
            copiedHistory = history_.copyInserted(tx, rows);
        }
        if (!copiedHistory || rejectsMayExist_.value_or(true)) {
            ensureStaging(tx);
            copyKeysOfRows(tx, rows);
            if (!copiedHistory) history_.recordInserted(tx);
            clearRejects(tx);
        }
        result.upserted = static_cast<std::int64_t>(rows.size());
    }
    storeRejects(tx, batch);
    result.rejected = static_cast<std::int64_t>(batch.rejects.size());
    // Keys dropped as the overlap stay known too: the next page may bring them again.
    rememberKeys(batch);
    return result;
}

void PostgresWriter::copyKeysOfRows(pqxx::transaction_base& tx,
                                    const std::vector<const MappedRecord*>& rows) {
    // The key columns as COPYed into the target (a NUL already stands as U+FFFD there).
    if (keyColumnAt_.empty()) {
        const auto cols = spec_.valueColumns();
        for (const auto& k : spec_.primaryKey)
            keyColumnAt_.push_back(static_cast<std::size_t>(
                std::find(cols.begin(), cols.end(), k) - cols.begin()));
    }
    auto cols = quotedAll(spec_.primaryKey);
    cols.push_back("inserted");
    CopyWriter out(tx, quoteIdent(upserted_), cols);
    MappedRow key(keyColumnAt_.size());
    for (const MappedRecord* rec : rows) {
        for (std::size_t k = 0; k < keyColumnAt_.size(); ++k) key[k] = rec->values.at(keyColumnAt_[k]);
        out.write(key, "t");
    }
    out.complete();
}

Totals PostgresWriter::writePages(std::vector<PageBatch>& pages) {
    if (pages.size() == 1) return writePage(pages.front());
    PageBatch merged = mergePagesInReadOrder(pages);
    return writePage(merged);
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

Totals PostgresWriter::writeReconcilePage(const PageBatch& batch,
                                          const std::vector<std::int64_t>& seenIds) {
    return transact(writingPage(), batch, [&](pqxx::transaction_base& tx) {
        Totals result = upsertPage(tx, batch);
        if (!seenIds.empty()) {
            CopyWriter out(tx, quoteIdent(seen_), {"id"});
            for (std::int64_t id : seenIds) out.write({std::to_string(id)});
            out.complete();
        }
        return result;
    });
}

std::int64_t PostgresWriter::finishReconcile(bool hardDelete) {
    const SqlValues names = {{"target", qualified(schema_, spec_.table)},
                             {"seen", quoteIdent(seen_)},
                             {"key", quoteIdent(spec_.primaryKey.front())}};
    owedMarkedInTx_ = owedPaidInTx_ = false;
    try {
        pqxx::work tx(conn_);
        recordOwedVersions(tx);
        tx.exec("CREATE INDEX ON " + quoteIdent(seen_) + " (id)");
        tx.exec("ANALYZE " + quoteIdent(seen_));
        const pqxx::result r = tx.exec(fillSql(hardDelete ? kDeleteUnseen : kMarkUnseen, names));
        history_.closeDeleted(tx);
        tx.exec("DROP TABLE " + quoteIdent(seen_));
        tx.commit();
        settleOwedVersions();
        return static_cast<std::int64_t>(r.affected_rows());
    } catch (const pqxx::sql_error& e) {
        versionsOwed_.reset();
        throw TargetError("marking deleted rows of " + spec_.name + " failed: " + e.what());
    }
}

void PostgresWriter::finishStream() {
    if (history_.enabled() && versionsOwed_ != false) {
        if (stopRequested())
            // At 1M rows the payment takes tens of seconds, past a scheduler's grace
            // period; the mark stays and the next write to the stream pays first.
            log::info("stopping: the first versions of the stream's rows are left to its next run",
                      {{"stream", spec_.name}, {"table", historyTable(spec_.table)}});
        else
            payOwedVersions();
    }
    if (paths_.direct == 0) return;
    analyzeStreamTables(conn_, schema_, spec_, "the first sync");
}

bool PostgresWriter::noRowHasAVersion() const {
    // A first sync's writer found no open version when it decided (decideFirstSync), and
    // wrote none since: its direct pages defer theirs, and this is its first payment.
    return direct_.value_or(false) && deferVersions_;
}

void PostgresWriter::payOwedVersions() {
    const bool noRowHasOne = noRowHasAVersion();  // read before deferVersions_ changes below
    try {
        if (!versionsOwed_) {
            pqxx::read_transaction tx(conn_);
            versionsOwed_ = history_.isOwed(tx);
        }
        if (!*versionsOwed_) return;
        // From here some versions may be committed, whatever happens next.
        deferVersions_ = false;
        std::unique_ptr<pqxx::connection> second;
        if (!spec_.children.empty() && secondConnection_) {
            try {
                second = secondConnection_();
            } catch (const std::exception& e) {
                log::warn("writing the first versions on one connection: a second one failed",
                          {{"stream", spec_.name}, {"error", e.what()}});
            }
        }
        pqxx::work tx(conn_);
        std::int64_t versions = 0;
        if (!second) {
            versions = history_.payOwed(tx, HistoryWriter::OwedPart::All, noRowHasOne);
        } else {
            std::exception_ptr rowsFailed;
            std::thread rows([&] {
                try {
                    pqxx::work rowsTx(*second);
                    versions = history_.payOwed(rowsTx, HistoryWriter::OwedPart::Rows, noRowHasOne);
                    rowsTx.commit();
                } catch (...) {
                    rowsFailed = std::current_exception();
                }
            });
            try {
                history_.payOwed(tx, HistoryWriter::OwedPart::Children, noRowHasOne);
            } catch (...) {
                rows.join();
                throw;
            }
            rows.join();
            if (rowsFailed) {
                tx.commit();  // the children's versions stand on their own (HistoryWriter::OwedPart)
                std::rethrow_exception(rowsFailed);
            }
        }
        history_.clearOwed(tx);
        tx.commit();
        versionsOwed_ = false;
        logVersionsPaid(versions);
    } catch (const pqxx::failure& e) {
        versionsOwed_.reset();
        throw TargetError("writing the first versions of " + spec_.name + " into " + schema_ + "." +
                          historyTable(spec_.table) + " failed: " + e.what() +
                          " (the rows are committed; the next run writes their versions first)");
    }
}

void PostgresWriter::recordOwedVersions(pqxx::transaction_base& tx) {
    if (!history_.enabled() || versionsOwed_ == false) return;
    owedPaidInTx_ = true;  // no mark is left once this commits
    const auto versions = history_.recordOwed(tx, noRowHasAVersion());
    if (!versions) return;
    // Each payment reads the whole table; one mid-run is enough (deferVersions_).
    deferVersions_ = false;
    logVersionsPaid(*versions);
}

void PostgresWriter::logVersionsPaid(std::int64_t versions) const {
    log::info("first sync: the first versions of its rows are written",
              {{"stream", spec_.name},
               {"table", historyTable(spec_.table)},
               {"versions", std::to_string(versions)}});
}

void PostgresWriter::settleOwedVersions() {
    if (owedPaidInTx_) versionsOwed_ = false;
    if (owedMarkedInTx_) versionsOwed_ = true;
    owedMarkedInTx_ = owedPaidInTx_ = false;
}

std::int64_t PostgresWriter::liveRows() {
    pqxx::nontransaction tx(conn_);
    return tx.exec("SELECT count(*) FROM " + qualified(schema_, spec_.table) +
                   " WHERE deleted_at IS NULL")[0][0]
        .as<std::int64_t>();
}

bool PostgresWriter::holdsMoreLiveRowsThan(std::int64_t total) {
    // Counting the live rows reads the whole table (deleted_at is in no index): 150-210 ms
    // of a parallel scan in three processes at 200k parties, on every run, the runs with
    // nothing new included. All rows, live or not, can be counted from the primary key's
    // index alone (an index-only scan, a twentieth of the heap's pages), and when they are
    // no more than `total` the live ones are not either. Only a table holding more rows than
    // that (rows marked deleted, or deletions) needs the exact count. Measured at 200k after
    // VACUUM: 42 ms in one process, 90-100 ms in three (starting the workers costs more than
    // they save on 644 pages), so without workers. Right after a run's writes the pages it
    // touched are not all-visible and the index-only scan visits them (120-170 ms, about
    // the exact count's time): the saving is the runs that wrote nothing.
    std::int64_t all = 0;
    {
        pqxx::work tx(conn_);
        tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
        all = tx.exec("SELECT count(*) FROM " + qualified(schema_, spec_.table))[0][0]
                  .as<std::int64_t>();
        tx.commit();
    }
    return all > total && liveRows() > total;
}

std::int64_t PostgresWriter::deleteUnread(pqxx::transaction_base& tx, const PageBatch& batch) {
    // A record the mapping rejected is still in the CRM: its previous row stays.
    std::string rejectedKeys;
    for (const auto& r : batch.rejects) {
        if (r.key.empty()) continue;
        if (!rejectedKeys.empty()) rejectedKeys += ", ";
        rejectedKeys += literal(tx, r.key);
    }
    std::string keep;
    if (!rejectedKeys.empty())
        keep = fillSql(kKeepRejected, {{"key_text", keyTextSql(tx, spec_.primaryKey, "t")},
                                       {"rejected_keys", rejectedKeys}});
    const std::string sql =
        fillSql(kDeleteUnread, {{"target", qualified(schema_, spec_.table)},
                                {"stage", quoteIdent(stage_)},
                                {"match", columnsEqual("s", spec_.primaryKey, "t", spec_.primaryKey)},
                                {"keep_rejected", keep}});
    return static_cast<std::int64_t>(tx.exec(sql).affected_rows());
}

Totals PostgresWriter::replaceAll(const PageBatch& batch) {
    std::string what = "replacing ";
    what.append(schema_).append(".").append(spec_.table);
    return transact(what, batch,
                    [&](pqxx::transaction_base& tx) {
                        Totals result = upsertPage(tx, batch);
                        result.deleted = deleteUnread(tx, batch);
                        history_.closeDeleted(tx);
                        return result;
                    });
}

}  // namespace intouch
