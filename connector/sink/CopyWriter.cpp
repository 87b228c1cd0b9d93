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
    : impl_(std::make_unique<Impl>(tx, table, quotedColumns)) {}
#pragma GCC diagnostic pop

CopyWriter::~CopyWriter() = default;

void appendCopyField(std::string& line, const std::optional<std::string>& value) {
    if (!value) {
        line += "\\N";
        return;
    }
    for (char c : *value) {
        switch (c) {
            case '\\': line += "\\\\"; break;
            case '\n': line += "\\n"; break;
            case '\r': line += "\\r"; break;
            case '\t': line += "\\t"; break;
            case '\b': line += "\\b"; break;
            case '\f': line += "\\f"; break;
            case '\v': line += "\\v"; break;
            default: line += c;
        }
    }
}

void CopyWriter::write(const std::vector<std::optional<std::string>>& row) {
    line_.clear();
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) line_ += '\t';
        appendCopyField(line_, row[i]);
    }
    impl_->writer.write_raw_line(line_);
}

void CopyWriter::complete() { impl_->writer.complete(); }

}  // namespace intouch
