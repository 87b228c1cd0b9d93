#pragma once
// Compares what intouch-sync wrote with what the CRM (the simulator) holds right now, via
// GET /_sim/dump/<stream>: keys as sets, and for every record record_hash = hex MD5 of the
// record's compact JSON as served (so every field is proven to be at the same version), and
// the number of child rows = the length of the record's array.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "SyncFixture.hpp"

namespace intouch::itest {

// How a stream lands in PostgreSQL (mirrors mappings/*.yaml; checked against the catalog
// by EndToEnd.TableLayoutMatchesMappings).
struct StreamLayout {
    std::string stream;
    std::string table;
    std::vector<std::string> key;  // primary key columns
    bool incremental = true;       // has deleted_at and a checkpoint
    std::string childTable;        // "" when none
    std::string childSource;       // JSON array field feeding childTable
};

const StreamLayout& layoutOf(const std::string& stream);

struct SourceRecord {
    std::string key;     // "123"; members "org,member"; lists the id string
    std::string hash;    // hex MD5 of json::parse(text).toJson()
    std::size_t children = 0;
    std::optional<json::Value> modified;  // as served (string or epoch-ms number)
};

// The simulator's current records of a stream, by key.
std::map<std::string, SourceRecord> sourceRecords(const ts::SimulatorProcess& sim,
                                                  const std::string& stream);

// Hex MD5 of a string (Poco::MD5Engine).
std::string md5Hex(const std::string& text);

struct Comparison {
    std::string stream;
    std::size_t sourceCount = 0;
    std::size_t tableLiveCount = 0;
    std::size_t tableDeletedCount = 0;
    std::vector<std::string> missing;     // in the source, no live row
    std::vector<std::string> extra;       // live row, not in the source
    std::vector<std::string> mismatched;  // record_hash differs from the source's version
    std::vector<std::string> childMismatched;  // child row count differs from the array

    bool equal() const {
        return missing.empty() && extra.empty() && mismatched.empty() && childMismatched.empty();
    }
    // One line of counts, then the first keys of every non-empty list.
    std::string summary() const;
};

Comparison compareWithSource(const SyncWorld& world, const std::string& stream);

// After a kill: does the committed checkpoint tell the truth? Every source record that sorts
// at or before sync_state's checkpoint must be in the table with the source's hash (valid
// when nothing changed in the source since the killed run started).
struct CheckpointAudit {
    bool hasCheckpoint = false;
    std::string cursor;  // sync_state.cursor_modified as text
    bool cursorComplete = false;
    std::size_t rows = 0;              // live rows in the table
    std::size_t coveredBySource = 0;   // source records at or before the checkpoint
    std::vector<std::string> lostBehindCheckpoint;  // at/before checkpoint, but no live row
    std::vector<std::string> wrongHash;  // row present but hash != source (a torn/old version)
    std::vector<std::string> unknownRows;  // live rows the source does not have

    bool ok() const {
        return lostBehindCheckpoint.empty() && wrongHash.empty() && unknownRows.empty();
    }
    std::string summary() const;
};

CheckpointAudit auditCheckpoint(const SyncWorld& world, const std::string& stream);

// "12 ids: 1, 5, 9, ... (+3 more)"
std::string listKeys(const std::vector<std::string>& keys, std::size_t max = 20);

}  // namespace intouch::itest
