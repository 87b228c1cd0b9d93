#pragma once
// A field every log line of the process carries, before its own fields: a run for one
// source of a multi-source config logs `source=NAME`, so the lines of sources synced side
// by side can be told apart. (Apart from Log.hpp, which nearly every file includes.)

#include <string>

namespace intouch::log {

void addContext(const std::string& key, const std::string& value);

// A field the lines of the calling thread carry while the guard lives, unless a line names
// the key itself: a worker of sync.parallel_streams logs `stream=NAME` also on the lines of
// code that does not know the stream (the CRM client's retries, the throttle's waits).
class ThreadContext {
public:
    ThreadContext(const std::string& key, const std::string& value);
    ~ThreadContext();
    ThreadContext(const ThreadContext&) = delete;
    ThreadContext& operator=(const ThreadContext&) = delete;
};

}  // namespace intouch::log
