#pragma once
// Small helpers shared by the integration test files.

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "support/PgQuery.hpp"

namespace intouch::itest {

// Skips when the binaries are not built (they are targets of this tree, so this only
// happens when the test executable is run from a half-built tree).
#define INTOUCH_REQUIRE_BINARIES()                                                            \
    do {                                                                                      \
        INTOUCH_REQUIRE_SIMULATOR();                                                          \
        if (!std::filesystem::exists(::intouch::itest::syncBinary()))                         \
            GTEST_SKIP() << "intouch-sync binary missing: " << ::intouch::itest::syncBinary(); \
    } while (0)

// Expects `compareWithSource` to find no difference, printing the summary either way.
inline Comparison expectEqualToSource(const SyncWorld& world, const std::string& stream,
                                      const std::string& context = "") {
    Comparison c = compareWithSource(world, stream);
    std::cout << "[compare" << (context.empty() ? "" : " " + context) << "] " << c.summary()
              << std::endl;
    EXPECT_TRUE(c.equal()) << context << ": " << c.summary();
    EXPECT_EQ(c.sourceCount, c.tableLiveCount) << context << ": " << c.summary();
    return c;
}

// A fingerprint of every row version of a table: xmin and ctid change whenever a row is
// written (even with identical values), so equal fingerprints mean nothing was written.
inline std::string tableFingerprint(const std::string& dsn, const std::string& table,
                                    bool withSyncedAt) {
    const std::string cols = withSyncedAt ? "xmin::text || '/' || ctid::text || '/' || synced_at::text"
                                          : "xmin::text || '/' || ctid::text";
    return ts::pg::queryScalar<std::string>(
        dsn, "SELECT count(*)::text || ':' || md5(coalesce(string_agg(" + cols +
                 ", ',' ORDER BY ctid), '')) FROM intouch." + table);
}

inline std::vector<std::pair<std::string, bool>> writableTables() {
    // (table, has synced_at)
    std::vector<std::pair<std::string, bool>> t;
    for (const auto& s : allStreams()) {
        const StreamLayout& l = layoutOf(s);
        t.emplace_back(l.table, true);
        if (!l.childTable.empty()) t.emplace_back(l.childTable, false);
    }
    t.emplace_back("sync_state", false);
    t.emplace_back("sync_rejects", false);
    return t;
}

inline std::map<std::string, std::string> databaseFingerprint(const std::string& dsn) {
    std::map<std::string, std::string> out;
    for (const auto& [table, synced] : writableTables())
        out[table] = tableFingerprint(dsn, table, synced);
    return out;
}

inline long long countRows(const std::string& dsn, const std::string& sqlFromWhere) {
    return ts::pg::queryScalar<long long>(dsn, "SELECT count(*) " + sqlFromWhere);
}

// The value of column `column` (by its header) in the line of `status` output for `stream`;
// the output is a fixed-width table whose numeric columns are right-aligned.
inline std::string statusColumn(const std::string& statusOutput, const std::string& stream,
                                const std::string& column) {
    std::istringstream in(statusOutput);
    std::string line, header;
    std::size_t end = std::string::npos;
    while (std::getline(in, line)) {
        if (end == std::string::npos && line.rfind("stream", 0) == 0) {
            auto p = line.find(" " + column);
            if (p == std::string::npos) return "<no column " + column + ">";
            end = p + 1 + column.size();
            continue;
        }
        if (end != std::string::npos && line.rfind(stream + " ", 0) == 0) {
            std::string head = line.substr(0, std::min(end, line.size()));
            auto last = head.find_last_of(' ');
            return last == std::string::npos ? head : head.substr(last + 1);
        }
    }
    return "<no line for " + stream + ">";
}

}  // namespace intouch::itest
