#include "sink/CopyWriter.hpp"

#include <pqxx/tablewriter>

namespace intouch {

// tablewriter is deprecated in 6.4 in favour of stream_to, which cannot take a
// row of run-time length; write_raw_line is exactly what is needed here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct CopyWriter::Impl {
    Impl(pqxx::transaction_base& tx, const std::string& table, const std::vector<std::string>& columns)
        : writer(tx, table, columns.begin(), columns.end()) {}
    pqxx::tablewriter writer;
};

CopyWriter::CopyWriter(pqxx::transaction_base& tx, const std::string& table,
                       const std::vector<std::string>& quotedColumns)
    : impl_(std::make_unique<Impl>(tx, table, quotedColumns)) {
    chunk_.reserve(kChunkBytes + 4096);
}
#pragma GCC diagnostic pop

CopyWriter::~CopyWriter() = default;

namespace {
// \b \t \n \v \f \r are 8..13.
bool needsEscape(char c) { return c == '\\' || (c >= '\b' && c <= '\r'); }
}  // namespace

void appendCopyField(std::string& line, std::string_view value) {
    // Plain runs are appended whole: per-character appends were most of the
    // writer thread's own CPU.
    const char* p = value.data();
    const char* const end = p + value.size();
    while (p < end) {
        const char* run = p;
        while (run < end && !needsEscape(*run)) ++run;
        line.append(p, static_cast<std::size_t>(run - p));
        if (run == end) break;
        switch (*run) {
            case '\\': line += "\\\\"; break;
            case '\n': line += "\\n"; break;
            case '\r': line += "\\r"; break;
            case '\t': line += "\\t"; break;
            case '\b': line += "\\b"; break;
            case '\f': line += "\\f"; break;
            default: line += "\\v"; break;
        }
        p = run + 1;
    }
}

void appendCopyField(std::string& line, const std::optional<std::string>& value) {
    if (!value) {
        line += "\\N";
        return;
    }
    appendCopyField(line, std::string_view(*value));
}

void CopyWriter::write(const std::vector<std::optional<std::string>>& row) {
    write(row, std::initializer_list<std::string_view>{});
}

void CopyWriter::write(const std::vector<std::optional<std::string>>& row, std::string_view last) {
    write(row, std::initializer_list<std::string_view>{last});
}

void CopyWriter::write(const std::vector<std::optional<std::string>>& row,
                       std::initializer_list<std::string_view> tail) {
    bool first = true;
    auto separate = [&] {
        if (!first) chunk_ += '\t';
        first = false;
    };
    for (const auto& field : row) {
        separate();
        appendCopyField(chunk_, field);
    }
    for (std::string_view field : tail) {
        separate();
        appendCopyField(chunk_, field);
    }
    endRow();
}

// COPY's data messages need not match rows, so rows go out many to a message, about
// 8 KB each (what psql's \copy sends, and libpq's own send threshold). One message per
// row (write_raw_line with one row) cost two string copies (libpqxx's) and a
// PQputCopyData per row here and a message read per row in the server. Measured at 1M
// parties, fsync off, two paired rounds (bench/README.md, session 8): 8 KB messages took
// the full sync from 98.3/102.3 s to 93.5/95.4 s; 64 KB ones were slower than a row each.
void CopyWriter::endRow() {
    chunk_ += '\n';
    if (chunk_.size() >= kChunkBytes) send();
}

void CopyWriter::send() {
    if (chunk_.empty()) return;
    // libpqxx 6.4 sends the text with one closing newline: it drops ours and adds its own.
    impl_->writer.write_raw_line(chunk_);
    chunk_.clear();
}

void CopyWriter::complete() {
    send();
    impl_->writer.complete();
}

}  // namespace intouch
