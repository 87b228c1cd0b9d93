#include "sink/HistoryWriter.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"
#include "sink/ChildRows.hpp"
#include "sink/CopyWriter.hpp"

namespace intouch {

namespace {

// Children first: they find "the parent has a new version" by comparing the parent's row
// with its open version, which the parent statements then change.
constexpr std::string_view kCloseChildren = R"(
UPDATE {child_history} ch SET valid_to = greatest(ch.valid_from, {valid_from})
FROM {target} t{changed_join}
WHERE {changed} AND {join_cht} AND ch.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM {history} h
                  WHERE {join_ht} AND h.valid_to IS NULL AND h.record_hash = t.record_hash))";
constexpr std::string_view kOpenChildren = R"(
INSERT INTO {child_history} ({child_columns}, record_hash, valid_from)
SELECT {c_columns}, t.record_hash, {valid_from}
FROM {target} t{changed_join} JOIN {child} c ON {join_ct}
WHERE {changed}
  AND NOT EXISTS (SELECT 1 FROM {history} h
                  WHERE {join_ht} AND h.valid_to IS NULL AND h.record_hash = t.record_hash))";
constexpr std::string_view kCloseChanged = R"(
UPDATE {history} h SET valid_to = greatest(h.valid_from, {valid_from})
FROM {target} t{changed_join}
WHERE {h_changed} AND {join_ht} AND h.valid_to IS NULL AND h.record_hash <> t.record_hash)";
constexpr std::string_view kOpenChanged = R"(
INSERT INTO {history} ({columns}, record_hash, valid_from)
SELECT {t_columns}, t.record_hash, {valid_from}
FROM {target} t{changed_join}
WHERE {changed}
  AND NOT EXISTS (SELECT 1 FROM {history} h WHERE {join_ht} AND h.valid_to IS NULL))";

// The first version of rows that have none (recordInserted).
constexpr std::string_view kOpenNewChildren = R"(
INSERT INTO {child_history} ({child_columns}, record_hash, valid_from)
SELECT {c_columns}, t.record_hash, {valid_from}
FROM {target} t{changed_join} JOIN {child} c ON {join_ct}
WHERE {changed})";
constexpr std::string_view kOpenNew = R"(
INSERT INTO {history} ({columns}, record_hash, valid_from)
SELECT {t_columns}, t.record_hash, {valid_from}
FROM {target} t{changed_join}
WHERE {changed})";

// A first sync's deferred versions (recordOwed): the stream's mark, and the rows they are
// for. A row marked deleted has its versions closed on purpose: not one of them.
constexpr std::string_view kMarkOwed = R"(
INSERT INTO {owed} (stream) VALUES ($1) ON CONFLICT (stream) DO NOTHING)";
constexpr std::string_view kIsOwed = R"(
SELECT 1 FROM {owed} WHERE stream = $1)";
constexpr std::string_view kClearOwed = R"(
DELETE FROM {owed} WHERE stream = $1 RETURNING 1)";
constexpr std::string_view kLive = "t.deleted_at IS NULL";
// The keys of the live rows without an open version in {history} (the table's own or a
// child's), collected before any version is written. A statement that inserted into the
// version table while its own NOT EXISTS read that table slowed with every row it inserted
// (12 minutes for the first eighth of 1M parties): planned while the table was empty, a
// plan that reads the version table per row reads every version inserted so far (the plan
// was not captured; planned again at the grown size the query is a hash anti join). No
// statement here reads what it writes.
constexpr std::string_view kCollectOwed = R"(
CREATE TEMP TABLE {owed_keys} ON COMMIT DROP AS
SELECT {t_key} FROM {target} t
WHERE t.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM {history} h WHERE {join_ht} AND h.valid_to IS NULL))";

// A row marked deleted ends its version when it was marked; a row removed, now.
constexpr std::string_view kCloseMarked = R"(
UPDATE {history} h SET valid_to = greatest(h.valid_from, t.deleted_at)
FROM {target} t WHERE {join_ht} AND h.valid_to IS NULL AND t.deleted_at IS NOT NULL)";
constexpr std::string_view kCloseRemoved = R"(
UPDATE {history} h SET valid_to = greatest(h.valid_from, now())
WHERE h.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM {target} t WHERE {join_ht}))";

// "a.k1 = b.k1 AND a.k2 = b.k2", the left side's columns named with `leftPrefix`.
std::string joinOn(const std::string& left, const std::vector<std::string>& leftColumns,
                   const std::string& right, const std::vector<std::string>& rightColumns) {
    std::string out;
    for (std::size_t i = 0; i < leftColumns.size(); ++i) {
        if (i) out += " AND ";
        out.append(left).append(".").append(quoteIdent(leftColumns[i]));
        out.append(" = ").append(right).append(".").append(quoteIdent(rightColumns[i]));
    }
    return out;
}

std::string prefixed(const std::string& alias, const std::vector<std::string>& columns) {
    std::string out;
    for (const auto& c : columns) {
        if (!out.empty()) out += ", ";
        out.append(alias).append(".").append(quoteIdent(c));
    }
    return out;
}

// The values of the holes one statement has (fillSql refuses values without a hole).
SqlValues pick(const SqlValues& all, std::initializer_list<std::string_view> names) {
    SqlValues out;
    for (const auto& v : all)
        for (std::string_view n : names)
            if (v.first == n) out.push_back(v);
    return out;
}

}  // namespace

HistoryWriter::HistoryWriter(std::string schema, const StreamSpec& spec, std::string upserted)
    : schema_(std::move(schema)), spec_(spec), upserted_(std::move(upserted)) {}

// Which rows a statement records. A single-column key is matched with
// `= ANY (ARRAY(SELECT ...))` against the session table of changed keys on the one table a
// statement starts from (the target, or the version table being closed), so that it is read
// through its index for just those keys and the other tables are reached by key through
// theirs: a join with the session table, which has no statistics, was planned as hash joins
// reading every open version of the table on every page (PostgreSQL's time of an
// incremental page grew with the table). Only once per statement: a second condition on a
// column already joined by key (the child or version table) made every index probe walk the
// whole array. A composite key joins the session table (`join`).
HistoryWriter::Changed HistoryWriter::changed(bool all) const {
    Changed out;
    if (all) return out;
    const auto& key = spec_.primaryKey;
    if (key.size() != 1) {
        out.join = " JOIN ";
        out.join.append(quoteIdent(upserted_)).append(" u ON ");
        out.join.append(joinOn("t", key, "u", key));
        return out;
    }
    const std::string keys = " = ANY (ARRAY(SELECT u." + quoteIdent(key[0]) + " FROM " + quoteIdent(upserted_) + " u))";
    out.target = "t." + quoteIdent(key[0]) + keys;
    out.history = "h." + quoteIdent(key[0]) + keys;
    return out;
}

void HistoryWriter::recordChanged(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    record(tx, changed(false));
}

void HistoryWriter::recordInserted(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    const Changed rows = changed(false);
    for (std::size_t i = 0; i < spec_.children.size(); ++i) openFirstChildVersions(tx, i, rows);
    openFirstRowVersions(tx, rows);
}

pqxx::result HistoryWriter::execOnMark(pqxx::transaction_base& tx, std::string_view sql) const {
    return tx.exec_params(fillSql(sql, {{"owed", qualified(schema_, "sync_versions_owed")}}), spec_.name);
}

void HistoryWriter::markOwed(pqxx::transaction_base& tx) const { execOnMark(tx, kMarkOwed); }

bool HistoryWriter::isOwed(pqxx::transaction_base& tx) const { return !execOnMark(tx, kIsOwed).empty(); }

bool HistoryWriter::clearOwed(pqxx::transaction_base& tx) const {
    return !execOnMark(tx, kClearOwed).empty();
}

std::optional<std::int64_t> HistoryWriter::recordOwed(pqxx::transaction_base& tx,
                                                      bool noRowHasAVersion) const {
    if (!enabled() || !clearOwed(tx)) return std::nullopt;
    return payOwed(tx, OwedPart::All, noRowHasAVersion);
}

std::int64_t HistoryWriter::payOwed(pqxx::transaction_base& tx, OwedPart part,
                                    bool noRowHasAVersion) const {
    if (part != OwedPart::Rows) {
        const auto parentKeys = spec_.childParentKeyColumns();
        for (std::size_t i = 0; i < spec_.children.size(); ++i)
            openFirstChildVersions(
                tx, i, owedRows(tx, noRowHasAVersion, spec_.children[i].table, parentKeys));
    }
    if (part == OwedPart::Children) return 0;
    return openFirstRowVersions(tx, owedRows(tx, noRowHasAVersion, spec_.table, spec_.primaryKey));
}

HistoryWriter::Changed HistoryWriter::owedRows(pqxx::transaction_base& tx, bool noRowHasAVersion,
                                               const std::string& table,
                                               const std::vector<std::string>& historyKey) const {
    Changed rows;
    rows.target = kLive;
    if (noRowHasAVersion) return rows;
    const auto& key = spec_.primaryKey;
    const std::string owedKeys = quoteIdent("_owed_" + table);
    tx.exec("DROP TABLE IF EXISTS " + owedKeys);
    tx.exec(fillSql(kCollectOwed, {{"owed_keys", owedKeys},
                                   {"t_key", prefixed("t", key)},
                                   {"target", qualified(schema_, spec_.table)},
                                   {"history", qualified(schema_, historyTable(table))},
                                   {"join_ht", joinOn("h", historyKey, "t", key)}}));
    tx.exec("ANALYZE " + owedKeys);  // its size, for the joins below
    rows.join = " JOIN " + owedKeys + " o ON " + joinOn("t", key, "o", key);
    return rows;
}

// The same valid_from as record() gives a row's first version.
std::string HistoryWriter::validFrom() const {
    if (spec_.mode != SyncMode::Incremental) return "now()";
    return "coalesce(t." + quoteIdent(spec_.cursorColumn) + ", now())";
}

void HistoryWriter::openFirstChildVersions(pqxx::transaction_base& tx, std::size_t i,
                                           const Changed& rows) const {
    const ChildSpec& child = spec_.children[i];
    tx.exec(fillSql(kOpenNewChildren,
                    {{"child_history", qualified(schema_, historyTable(child.table))},
                     {"child_columns", identList(spec_.childValueColumns(i))},
                     {"c_columns", prefixed("c", spec_.childValueColumns(i))},
                     {"valid_from", validFrom()},
                     {"target", qualified(schema_, spec_.table)},
                     {"changed_join", rows.join},
                     {"changed", rows.target},
                     {"child", qualified(schema_, child.table)},
                     {"join_ct", joinOn("c", spec_.childParentKeyColumns(), "t", spec_.primaryKey)}}));
}

std::int64_t HistoryWriter::openFirstRowVersions(pqxx::transaction_base& tx, const Changed& rows) const {
    return static_cast<std::int64_t>(
        tx.exec(fillSql(kOpenNew, {{"history", qualified(schema_, historyTable(spec_.table))},
                                   {"columns", identList(spec_.valueColumns())},
                                   {"t_columns", prefixed("t", spec_.valueColumns())},
                                   {"valid_from", validFrom()},
                                   {"target", qualified(schema_, spec_.table)},
                                   {"changed_join", rows.join},
                                   {"changed", rows.target}}))
            .affected_rows());
}

bool HistoryWriter::copyInserted(pqxx::transaction_base& tx,
                                 const std::vector<const MappedRecord*>& rows) const {
    if (!enabled()) return true;
    // valid_from as recordInserted gives it: coalesce(the cursor column, now()) for an
    // incremental stream, now() for a full-replace one.
    const auto valueCols = spec_.valueColumns();
    std::optional<std::size_t> cursorAt;
    if (spec_.mode == SyncMode::Incremental) {
        const ColumnSpec* cursor = spec_.findColumn(spec_.cursorColumn);
        if (!cursor || cursor->type.kind != ColumnKind::TimestampTz) return false;
        cursorAt = static_cast<std::size_t>(
            std::find(valueCols.begin(), valueCols.end(), spec_.cursorColumn) - valueCols.begin());
    }
    auto cursorOf = [&](const MappedRecord& rec) -> const std::optional<std::string>* {
        if (cursorAt && *cursorAt < rec.values.size() && rec.values[*cursorAt])
            return &rec.values[*cursorAt];
        return nullptr;
    };
    // now() of this transaction, as text in this session's settings, which COPY reads back
    // to the same instant; asked (before any COPY opens) only when some row needs it.
    std::string now;
    if (std::any_of(rows.begin(), rows.end(), [&](const MappedRecord* r) { return !cursorOf(*r); }))
        now = tx.exec("SELECT now()::text")[0][0].as<std::string>();
    auto validFromOf = [&](const MappedRecord& rec) -> std::string_view {
        const auto* cursor = cursorOf(rec);
        return cursor ? std::string_view(**cursor) : std::string_view(now);
    };
    auto quoted = [](const std::vector<std::string>& names) {
        std::vector<std::string> out;
        for (const auto& n : names) out.push_back(quoteIdent(n));
        out.push_back(quoteIdent("record_hash"));
        out.push_back(quoteIdent(kValidFromColumn));
        return out;
    };
    for (std::size_t i = 0; i < spec_.children.size(); ++i) {
        if (!hasChildRows(rows, i)) continue;
        CopyWriter out(tx, qualified(schema_, historyTable(spec_.children[i].table)),
                       quoted(spec_.childValueColumns(i)));
        forEachChildRow(rows, i, [&](const MappedRecord& rec, const MappedRow& row) {
            out.write(row, {std::string_view(rec.hash), validFromOf(rec)});
        });
        out.complete();
    }
    if (rows.empty()) return true;
    CopyWriter out(tx, qualified(schema_, historyTable(spec_.table)), quoted(valueCols));
    for (const MappedRecord* rec : rows)
        out.write(rec->values, {std::string_view(rec->hash), validFromOf(*rec)});
    out.complete();
    return true;
}

void HistoryWriter::recordAll(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    record(tx, changed(true));
}

void HistoryWriter::record(pqxx::transaction_base& tx, const Changed& changed) const {
    const auto& key = spec_.primaryKey;
    const auto parentKeys = spec_.childParentKeyColumns();
    const std::string history = qualified(schema_, historyTable(spec_.table));
    const SqlValues common = {{"target", qualified(schema_, spec_.table)},
                              {"changed_join", changed.join},
                              {"changed", changed.target},
                              {"h_changed", changed.history},
                              {"history", history},
                              {"valid_from", validFrom()},
                              {"join_ht", joinOn("h", key, "t", key)}};
    for (std::size_t i = 0; i < spec_.children.size(); ++i) {
        const ChildSpec& child = spec_.children[i];
        SqlValues values = common;
        values.insert(values.end(),
                      {{"child_history", qualified(schema_, historyTable(child.table))},
                       {"child", qualified(schema_, child.table)},
                       {"join_cht", joinOn("ch", parentKeys, "t", key)},
                       {"join_ct", joinOn("c", parentKeys, "t", key)},
                       {"child_columns", identList(spec_.childValueColumns(i))},
                       {"c_columns", prefixed("c", spec_.childValueColumns(i))}});
        tx.exec(fillSql(kCloseChildren,
                        pick(values, {"child_history", "valid_from", "target", "changed_join", "changed",
                                      "join_cht", "history", "join_ht"})));
        tx.exec(fillSql(kOpenChildren,
                        pick(values, {"child_history", "child_columns", "c_columns", "valid_from",
                                      "target", "changed_join", "changed", "child",
                                      "join_ct", "history", "join_ht"})));
    }
    tx.exec(fillSql(kCloseChanged, pick(common, {"target", "changed_join", "history", "h_changed",
                                                 "valid_from", "join_ht"})));
    SqlValues open = pick(common, {"target", "changed_join", "changed", "history", "valid_from", "join_ht"});
    open.emplace_back("columns", identList(spec_.valueColumns()));
    open.emplace_back("t_columns", prefixed("t", spec_.valueColumns()));
    tx.exec(fillSql(kOpenChanged, open));
}

void HistoryWriter::closeDeleted(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    const auto& key = spec_.primaryKey;
    const auto parentKeys = spec_.childParentKeyColumns();
    auto close = [&](const std::string& table, const std::vector<std::string>& historyKey) {
        const SqlValues values = {{"history", qualified(schema_, historyTable(table))},
                                  {"target", qualified(schema_, spec_.table)},
                                  {"join_ht", joinOn("h", historyKey, "t", key)}};
        if (spec_.mode == SyncMode::Incremental) tx.exec(fillSql(kCloseMarked, values));
        tx.exec(fillSql(kCloseRemoved, values));
    };
    for (const auto& child : spec_.children) close(child.table, parentKeys);
    close(spec_.table, key);
}

}  // namespace intouch
