#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "DateTimeFormat.h"
#include "Record.h"
#include "RecordGenerator.h"
#include "Schema.h"

namespace intouch::sim {

struct GenerationParams {
    uint64_t seed = 42;
    int64_t records = 1000;  // parties; the other streams scale from it (streamSize)
    int64_t tieSize = 1;
    // Needed at generation time: iso-local must avoid ambiguous instants, and --precompute
    // renders records in the output format.
    DateTimeFormat format = DateTimeFormat::IsoOffset;
    bool precompute = false;
};

// Number of generated records of a stream for --records N.
int64_t streamSize(Resource r, int64_t records);

// One resource's records, kept in ascending id (internal id for members) order.
class Table {
  public:
    const std::vector<RecordPtr>& rows() const { return rows_; }
    RecordPtr find(int64_t id) const;
    // Inserts or replaces the record with the same id.
    void put(RecordPtr r);
    bool erase(int64_t id);
    // Ids are never reused, also after deletes, like database sequences.
    int64_t takeNextId() { return nextId_++; }
    void setNextId(int64_t id) { nextId_ = id; }
    // Changes with every put/erase and is unique across all tables ever built, so a cached
    // sort order can tell whether it still describes this table.
    uint64_t version() const { return version_; }

  private:
    static uint64_t nextVersion();

    std::vector<RecordPtr> rows_;
    int64_t nextId_ = 1;
    uint64_t version_ = nextVersion();
};

// All data of the simulated CRM. Not thread-safe: the Simulator guards it with its lock.
class DataSet {
  public:
    static DataSet generate(const GenerationParams& p);

    Table& table(Resource r) { return tables_[static_cast<std::size_t>(r)]; }
    const Table& table(Resource r) const { return tables_[static_cast<std::size_t>(r)]; }
    const GenerationParams& params() const { return params_; }

    // Freezes a record for sharing, rendering its cached JSON when --precompute is on.
    RecordPtr seal(Resource r, Record&& rec) const;
    // Picks among the records that exist now (for inserts and edits at run time).
    RecordGenerator liveGenerator() const;

  private:
    GenerationParams params_;
    std::array<Table, kResourceCount> tables_;
};

}  // namespace intouch::sim
