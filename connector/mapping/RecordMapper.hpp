#pragma once
// Applies a stream's mapping to one JSON record. A record that cannot be mapped
// (wrong kind of value, missing key, out-of-range number...) throws RecordError
// and becomes a reject; it never stops the stream.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/Json.hpp"
#include "mapping/ExtraFields.hpp"
#include "mapping/MappedRecord.hpp"
#include "mapping/MappingSpec.hpp"
#include "mapping/PersonalData.hpp"
#include "mapping/TimeZone.hpp"

namespace intouch {

class RecordError : public std::runtime_error {
  public:
    RecordError(std::string column, const std::string& message)
        : std::runtime_error(message), column_(std::move(column)) {}
    // "email", "parties_contacts.value"; "" when the record as a whole is wrong.
    const std::string& column() const { return column_; }

  private:
    std::string column_;
};

struct ConversionContext;

class RecordMapper {
  public:
    RecordMapper(const StreamSpec& spec, const TimeZone& sourceZone);

    // Throws RecordError. `sourceText` is the text `record` was parsed from, when
    // the caller still holds it: record_hash is then computed from the record's
    // bytes as received where they equal its compact form, skipping a re-serialization.
    MappedRecord map(const json::Value& record, std::string_view sourceText = {}) const;

    // The record as it may be stored (a reject's raw JSON): compact JSON, with the mapping's
    // personal data excluded or hashed as in the mapped row.
    std::string storableJson(const json::Value& record) const;
    // Best-effort keyText() of a record, for rejects even when map() fails; "" when a
    // key is unreadable.
    std::string describeKey(const json::Value& record) const;
    // The cursor column's source field ("modified"): the orderBy of incremental reads.
    const std::string& cursorSourceField() const;
    // The cursor value of a record, or nullopt when absent or unreadable; never throws.
    std::optional<std::int64_t> cursorMicros(const json::Value& record) const;

    const StreamSpec& spec() const { return spec_; }

  private:
    // Where a column sits, for error messages; built into text only when one is thrown.
    struct Place {
        const ColumnSpec& column;
        const ChildSpec* child = nullptr;  // null for a column of the record itself
        std::size_t index = 0;             // the element of child's array
        std::string label() const;
        std::string pathLabel() const;
    };
    std::optional<std::string> mapColumn(const Place& place, const json::Value& base,
                                         const ConversionContext& ctx,
                                         std::optional<std::int64_t>* instant) const;
    // The same, for the value the column's path found in the record (null: nothing).
    std::optional<std::string> mapFound(const Place& place, const json::Value* found,
                                        const ConversionContext& ctx,
                                        std::optional<std::int64_t>* instant) const;

    struct RecordLayout;
    // Where the members of `record` sit for the columns that are one key of it, kept per
    // thread while records come with their members in the same order; null when no
    // column is one key.
    const RecordLayout* layoutOf(const json::Value& record) const;

    // One element of child array `ci` as a row: parent key, idx, columns, unmapped part.
    MappedRow mapElement(std::size_t ci, std::size_t idx, const json::Value& element,
                         const std::vector<std::string>& parentKey, const ConversionContext& ctx,
                         int* replaced, std::vector<ResolvedStep>& steps) const;

    StreamSpec spec_;  // a copy: cheap, and a mapper never dangles when the spec list changes
    TimeZone zone_;
    bool preferEarlier_ = true;
    PersonalData personal_;
    std::optional<std::size_t> cursorIndex_;
    std::vector<std::size_t> keyIndexes_;
    std::size_t valueColumnCount_ = 0;
    // What the paths consume for `extra` when every path is a plain key (or `$`):
    // then it is the same for every record, so it is built once here instead of
    // resolved per record. nullopt = resolve per record (nested paths, filters).
    std::optional<ExtraFields> recordConsumed_;
    std::vector<std::optional<ExtraFields>> elementConsumed_;  // per child, for its elements
    // Per column: whether the path is exactly one key of the record (the common case); such
    // a column's value is the first member with that key.
    std::vector<bool> columnIsKey_;
    bool anyColumnKey_ = false;
    // Tells this mapper's cached layouts (which point into recordConsumed_) from any other's:
    // a new value for every mapper, copies and moves included, never reused.
    struct InstanceId {
        std::uint64_t value = next();
        InstanceId() = default;
        InstanceId(const InstanceId&) : value(next()) {}
        InstanceId& operator=(const InstanceId&) {
            value = next();
            return *this;
        }
        static std::uint64_t next();
    };
    InstanceId id_;
};

}  // namespace intouch
