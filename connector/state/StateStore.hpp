#pragma once
// Checkpoints live in the target database, in table sync_state, and are written
// in the same transaction as the page they describe: that is what makes a kill at
// any moment safe (the data and the checkpoint commit together or not at all).

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "state/Checkpoint.hpp"

namespace intouch {

struct StreamStateRow {
    std::string stream;
    Checkpoint checkpoint;
    std::string updatedAt;
};

class StateStore {
public:
    explicit StateStore(std::string schema) : schema_(std::move(schema)) {}

    Checkpoint load(pqxx::transaction_base& tx, const std::string& stream) const;
    void save(pqxx::transaction_base& tx, const std::string& stream, const Checkpoint& cp) const;
    // Forget the checkpoint: the next run reads the stream from the start.
    void reset(pqxx::transaction_base& tx, const std::string& stream) const;
    std::vector<StreamStateRow> all(pqxx::transaction_base& tx) const;

private:
    std::string schema_;
};

}  // namespace intouch
