#pragma once
// Lets the next page be fetched while the current one is written. Pages go to a
// single writer thread through a small bounded queue, so they commit in the
// order they were read (the checkpoint order) and memory stays bounded by the
// queue depth (at most twice it: a queue's worth may be written as one group
// while the next fills); requests to the CRM stay sequential, one in flight.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "sink/StreamTarget.hpp"

namespace intouch {

class AsyncPageWriter {
public:
    explicit AsyncPageWriter(StreamTarget& writer, std::size_t depth = 2);
    // Commits what is queued (every queued page is whole and safe to commit),
    // then stops the thread. Errors at that point are dropped: finish() reports them.
    ~AsyncPageWriter();
    AsyncPageWriter(const AsyncPageWriter&) = delete;
    AsyncPageWriter& operator=(const AsyncPageWriter&) = delete;

    // Blocks while the queue is full; rethrows the error of an earlier write.
    void submit(PageBatch batch);
    // Waits until everything queued is committed; rethrows a write error.
    Totals finish();

private:
    void loop();

    StreamTarget& writer_;
    std::size_t depth_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<PageBatch> queue_;
    bool busy_ = false;
    bool closing_ = false;
    std::exception_ptr error_;
    Totals totals_;
    std::thread thread_;
};

}  // namespace intouch
