#include "sink/HistoryWriter.hpp"

#include <initializer_list>
#include <string_view>

#include "common/SqlIdentifier.hpp"
#include "common/SqlTemplate.hpp"

namespace intouch {

namespace {

// Children first: they find "the parent has a new version" by comparing the parent's row
// with its open version, which the parent statements then change.
constexpr std::string_view kCloseChildren = R"(
UPDATE {child_history} ch SET valid_to = greatest(ch.valid_from, {valid_from})
FROM {target} t{changed}
WHERE {join_cht} AND ch.valid_to IS NULL
  AND NOT EXISTS (SELECT 1 FROM {history} h
                  WHERE {join_ht} AND h.valid_to IS NULL AND h.record_hash = t.record_hash))";
constexpr std::string_view kOpenChildren = R"(
INSERT INTO {child_history} ({child_columns}, record_hash, valid_from)
SELECT {c_columns}, t.record_hash, {valid_from}
FROM {target} t{changed} JOIN {child} c ON {join_ct}
WHERE NOT EXISTS (SELECT 1 FROM {history} h
                  WHERE {join_ht} AND h.valid_to IS NULL AND h.record_hash = t.record_hash))";
constexpr std::string_view kCloseChanged = R"(
UPDATE {history} h SET valid_to = greatest(h.valid_from, {valid_from})
FROM {target} t{changed}
WHERE {join_ht} AND h.valid_to IS NULL AND h.record_hash <> t.record_hash)";
constexpr std::string_view kOpenChanged = R"(
INSERT INTO {history} ({columns}, record_hash, valid_from)
SELECT {t_columns}, t.record_hash, {valid_from}
FROM {target} t{changed}
WHERE NOT EXISTS (SELECT 1 FROM {history} h WHERE {join_ht} AND h.valid_to IS NULL))";

// The first version of rows that have none (recordInserted).
constexpr std::string_view kOpenNewChildren = R"(
INSERT INTO {child_history} ({child_columns}, record_hash, valid_from)
SELECT {c_columns}, t.record_hash, {valid_from}
FROM {target} t{changed} JOIN {child} c ON {join_ct})";
constexpr std::string_view kOpenNew = R"(
INSERT INTO {history} ({columns}, record_hash, valid_from)
SELECT {t_columns}, t.record_hash, {valid_from}
FROM {target} t{changed})";

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

std::string HistoryWriter::changedJoin() const {
    std::string join = " JOIN ";
    join.append(quoteIdent(upserted_)).append(" u ON ");
    join.append(joinOn("t", spec_.primaryKey, "u", spec_.primaryKey));
    return join;
}

void HistoryWriter::recordChanged(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    record(tx, changedJoin());
}

void HistoryWriter::recordInserted(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    const auto& key = spec_.primaryKey;
    const auto parentKeys = spec_.childParentKeyColumns();
    // The same valid_from as record() gives a row's first version.
    std::string validFrom = "now()";
    if (spec_.mode == SyncMode::Incremental) {
        validFrom = "coalesce(t.";
        validFrom.append(quoteIdent(spec_.cursorColumn)).append(", now())");
    }
    const std::string changed = changedJoin();
    for (std::size_t i = 0; i < spec_.children.size(); ++i) {
        const ChildSpec& child = spec_.children[i];
        tx.exec(fillSql(kOpenNewChildren,
                        {{"child_history", qualified(schema_, historyTable(child.table))},
                         {"child_columns", identList(spec_.childValueColumns(i))},
                         {"c_columns", prefixed("c", spec_.childValueColumns(i))},
                         {"valid_from", validFrom},
                         {"target", qualified(schema_, spec_.table)},
                         {"changed", changed},
                         {"child", qualified(schema_, child.table)},
                         {"join_ct", joinOn("c", parentKeys, "t", key)}}));
    }
    tx.exec(fillSql(kOpenNew, {{"history", qualified(schema_, historyTable(spec_.table))},
                               {"columns", identList(spec_.valueColumns())},
                               {"t_columns", prefixed("t", spec_.valueColumns())},
                               {"valid_from", validFrom},
                               {"target", qualified(schema_, spec_.table)},
                               {"changed", changed}}));
}

void HistoryWriter::recordAll(pqxx::transaction_base& tx) const {
    if (!enabled()) return;
    record(tx, "");
}

void HistoryWriter::record(pqxx::transaction_base& tx, const std::string& changed) const {
    const auto& key = spec_.primaryKey;
    const auto parentKeys = spec_.childParentKeyColumns();
    const std::string validFrom =
        spec_.mode == SyncMode::Incremental
            ? "coalesce(t." + quoteIdent(spec_.cursorColumn) + ", now())"
            : std::string("now()");
    const std::string history = qualified(schema_, historyTable(spec_.table));
    const SqlValues common = {{"target", qualified(schema_, spec_.table)},
                              {"changed", changed},
                              {"history", history},
                              {"valid_from", validFrom},
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
                        pick(values, {"child_history", "valid_from", "target", "changed",
                                      "join_cht", "history", "join_ht"})));
        tx.exec(fillSql(kOpenChildren,
                        pick(values, {"child_history", "child_columns", "c_columns", "valid_from",
                                      "target", "changed", "child", "join_ct", "history",
                                      "join_ht"})));
    }
    tx.exec(fillSql(kCloseChanged, common));
    SqlValues open = common;
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
