// CopyWriter sends many rows to a COPY data message (kChunkBytes at a time), so a row's
// escapes, a NULL or a multi-byte character may fall on a message boundary. Whatever the
// boundaries, PostgreSQL must store exactly the rows written, in order.

#include <gtest/gtest.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "sink/CopyWriter.hpp"
#include "support/PgQuery.hpp"
#include "support/SharedPostgres.hpp"

using namespace intouch;
using namespace intouch::testsupport;

namespace {

using Row = std::vector<std::optional<std::string>>;

// Values with every escape COPY text needs, NULLs, empty strings and UTF-8, of sizes that
// move the row ends across the chunk boundaries.
std::optional<std::string> valueFor(int i, int column) {
    switch ((i + column) % 7) {
        case 0:
            return std::nullopt;
        case 1:
            return std::string();
        case 2:
            return "tab\there, newline\nthere, CR\r, backslash \\ and \\N as text";
        case 3:
            return std::string(static_cast<std::size_t>(i % 300), 'x') +
                   "\xC5\xBE\xC4\x8F\xC3\xA1r";
        case 4:
            return "\b\f\v" + std::to_string(i);
        case 5:
            return "\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7 " + std::to_string(i * 7919);
        default:
            return std::string(static_cast<std::size_t>(37 + i % 11), '\\');
    }
}

struct CopyTarget {
    TestDatabase db = SharedPostgres::freshDatabase();
    CopyTarget() { pg::exec(db.dsn, "CREATE TABLE t (n integer, a text, b text, c text)"); }

    // Writes the rows (n = position) with one CopyWriter and commits.
    void copy(const std::vector<Row>& rows) const {
        pqxx::connection conn(db.dsn);
        pqxx::work tx(conn);
        {
            CopyWriter out(tx, "t", {"n", "a", "b", "c"});
            for (std::size_t i = 0; i < rows.size(); ++i) {
                Row row{std::to_string(i)};
                row.insert(row.end(), rows[i].begin(), rows[i].end());
                out.write(row);
            }
            out.complete();
        }
        tx.commit();
    }

    std::vector<Row> stored() const {
        std::vector<Row> out;
        for (auto& r : pg::queryRows(db.dsn, "SELECT a, b, c FROM t ORDER BY n"))
            out.push_back(std::move(r));
        return out;
    }
};

std::vector<Row> rowsOf(int count) {
    std::vector<Row> rows;
    for (int i = 0; i < count; ++i)
        rows.push_back({valueFor(i, 0), valueFor(i, 1), valueFor(i, 2)});
    return rows;
}

}  // namespace

TEST(CopyWriter, RowsSpanningManyChunksArriveWholeAndInOrder) {
    CopyTarget target;
    const auto rows = rowsOf(6000);  // about 900 KB of COPY text: some 110 messages
    target.copy(rows);
    const auto stored = target.stored();
    ASSERT_EQ(stored.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(stored[i], rows[i]) << "row " << i;
}

TEST(CopyWriter, ARowLargerThanAChunkAndRowsAroundItArriveWhole) {
    CopyTarget target;
    std::string big;
    while (big.size() < 3 * CopyWriter::kChunkBytes) big += "line\nwith\ttabs \\ and \xC5\xBE ";
    const std::vector<Row> rows{{std::string("before"), std::nullopt, std::string()},
                                {big, std::string("after the big one"), std::nullopt},
                                {std::nullopt, std::nullopt, std::nullopt},
                                {std::string("last"), big, std::string("end")}};
    target.copy(rows);
    EXPECT_EQ(target.stored(), rows);
}

TEST(CopyWriter, ACopyOfOneRowOrNoneCompletes) {
    CopyTarget one;
    const std::vector<Row> row{{std::string(), std::nullopt, std::string("\\")}};
    one.copy(row);
    EXPECT_EQ(one.stored(), row);

    CopyTarget none;
    none.copy({});
    EXPECT_TRUE(none.stored().empty());
}
