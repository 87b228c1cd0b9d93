#include "sync/AsyncPageWriter.hpp"

namespace intouch {

AsyncPageWriter::AsyncPageWriter(StreamTarget& writer, std::size_t depth)
    : writer_(writer), depth_(depth == 0 ? 1 : depth), thread_([this] { loop(); }) {}

AsyncPageWriter::~AsyncPageWriter() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void AsyncPageWriter::submit(PageBatch batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return error_ || queue_.size() < depth_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(batch));
    changed_.notify_all();
}

Totals AsyncPageWriter::finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return error_ || (queue_.empty() && !busy_); });
    if (error_) std::rethrow_exception(error_);
    return totals_;
}

void AsyncPageWriter::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (error_) {
            // After a failed page nothing more is written: a later page would
            // commit a checkpoint past the page that failed.
            queue_.clear();
            changed_.notify_all();
            if (closing_) return;
            continue;
        }
        if (queue_.empty()) return;  // closing, and everything is committed
        // Everything queued goes into one transaction (group commit): while the
        // database keeps up this is one page, and when it falls behind, fewer
        // commits and statements let it catch up. A page with rejects closes
        // the group (StreamTarget::writePages says why).
        std::vector<PageBatch> group;
        while (!queue_.empty() && (group.empty() || group.back().rejects.empty())) {
            group.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        busy_ = true;
        changed_.notify_all();  // the reader may queue the next pages meanwhile
        lock.unlock();
        Totals r;
        std::exception_ptr failure;
        try {
            r = writer_.writePages(group);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        busy_ = false;
        if (failure) {
            error_ = failure;
        } else {
            totals_ += r;
        }
        changed_.notify_all();
    }
}

}  // namespace intouch
