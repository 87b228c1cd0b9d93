#pragma once
// COPY ... FROM STDIN of rows whose column count is known only at run time.
// libpqxx 6.4's stream_to takes only tuples, so rows are escaped here (COPY
// text format) and sent many rows to a COPY data message.

#include <initializer_list>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace intouch {

class CopyWriter {
public:
    // table and columns are SQL identifiers as they should appear (quoted).
    CopyWriter(pqxx::transaction_base& tx, const std::string& table,
               const std::vector<std::string>& quotedColumns);
    ~CopyWriter();
    CopyWriter(const CopyWriter&) = delete;
    CopyWriter& operator=(const CopyWriter&) = delete;

    void write(const std::vector<std::optional<std::string>>& row);
    // The row and one more non-NULL field after it, without building a longer row.
    void write(const std::vector<std::optional<std::string>>& row, std::string_view last);
    // The row and more non-NULL fields after it.
    void write(const std::vector<std::optional<std::string>>& row,
               std::initializer_list<std::string_view> tail);
    // Sends the rows still buffered and ends the COPY. Only complete() sends them: a
    // CopyWriter destroyed without it (an exception on its way) leaves a partial COPY,
    // whose transaction that exception rolls back.
    void complete();

    // Rows are sent in messages of about this many bytes (CopyWriter.cpp says why).
    static constexpr std::size_t kChunkBytes = 8000;

private:
    void endRow();
    void send();

    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string chunk_;
};

// Appends one field in COPY text format: \N for NULL, backslash escapes otherwise.
void appendCopyField(std::string& line, const std::optional<std::string>& value);
void appendCopyField(std::string& line, std::string_view value);  // never NULL
inline void appendCopyField(std::string& line, const std::string& value) {
    appendCopyField(line, std::string_view(value));
}

}  // namespace intouch
