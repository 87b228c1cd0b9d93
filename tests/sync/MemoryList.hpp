#pragma once
// An InTouch list held in memory, served through the same ListSource interface (and the
// same PageChecks) as the CRM: records are (id, modified); answers are sorted by
// `modified` (ties by id, or shuffled on every request) or by `id`. It misbehaves on
// request: pages capped at a size, `total` left out or overstated, answers out of order,
// `position` ignored; and `beforeAnswer` changes the list between requests (inserts,
// edits, deletes), as people working in the CRM do while it is read.

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "state/Checkpoint.hpp"
#include "sync/IncrementalReader.hpp"
#include "sync/ListSource.hpp"
#include "sync/PageChecks.hpp"

namespace intouch::testing {

// Seconds as `modified` values (UTC microseconds) from a fixed origin.
std::int64_t at(std::int64_t seconds);

class MemoryList : public ListSource {
  public:
    explicit MemoryList(std::string stream = "parties");

    // Creates or edits record `id`; an edit stamps the new `modified`.
    void put(std::int64_t id, std::int64_t modified);
    void erase(std::int64_t id);
    // Records 1..count with `modified` = at(first + (i - 1) / tieSize).
    void fill(std::int64_t count, std::int64_t first = 0, std::int64_t tieSize = 1);
    // The list's records in `modified` order (ties by id).
    std::vector<std::pair<std::int64_t, std::int64_t>> byModified() const;
    std::int64_t newestModified() const;
    std::int64_t largestId() const;
    std::size_t size() const { return records_.size(); }

    // Server behaviour.
    int sizeCap = 0;                  // answers hold at most this many records (0 = no cap)
    bool shuffleTies = false;         // equal `modified` in a new random order on every request
    bool dropTotal = false;           // envelopes without `total`
    std::int64_t overstateTotal = 0;  // `total` larger than the list by this much
    bool misorder = false;            // answers of two or more records come reversed
    bool ignorePosition = false;      // every answer is the first page
    std::int64_t clock = 0;           // the Date header; 0 = a day after the newest record
    // Called before every answer: people working in the CRM between two requests.
    struct Request {
        int number;  // 1, 2, ...
        std::int64_t position;
        int size;  // 1: a probe of a position search or of the list's end
    };
    std::function<void(MemoryList&, const Request&)> beforeAnswer;

    const std::string& stream() const override { return stream_; }
    ListPage read(std::int64_t position, int size, const std::string& orderBy) override;

    int requests() const { return requests_; }
    int pageRequests() const { return pageRequests_; }  // answers of more than one record asked
    const std::vector<std::int64_t>& positions() const { return positions_; }

  private:
    std::vector<std::pair<std::int64_t, std::int64_t>> ordered(const std::string& orderBy);

    std::string stream_;
    std::map<std::int64_t, std::int64_t> records_;  // id -> modified
    PageChecks checks_;
    std::mt19937 rng_{12};
    int requests_ = 0;
    int pageRequests_ = 0;
    std::vector<std::int64_t> positions_;  // of the page requests
};

// The target table as the writer would leave it: per id the newest version committed
// (an older version never overwrites a newer one), and the checkpoints in commit order.
class MemoryTable : public PageSink {
  public:
    void submit(PageBatch batch) override;
    Totals finish() override {
        Totals t;
        t.upserted = written_;
        return t;
    }

    std::map<std::int64_t, std::int64_t> rows;  // id -> modified
    std::vector<Checkpoint> checkpoints;
    std::int64_t commits = 0;

  private:
    std::int64_t written_ = 0;
};

}  // namespace intouch::testing
