#pragma once
// Process-wide "please stop" flag, set from SIGTERM/SIGINT. Long waits (backoff,
// throttling) sleep through interruptibleSleep so a stop request is honoured in
// well under a second instead of after a 30 s backoff.

#include <atomic>

namespace intouch {

// Async-signal-safe: only stores to an atomic.
void requestStop() noexcept;
bool stopRequested() noexcept;
// Count of stop requests so far (a second one means "stop now").
int stopRequestCount() noexcept;
void clearStopForTests() noexcept;

// Sleeps up to `seconds`; returns false when woken early by a stop request.
// `alsoStop`: a narrower stop (one run's), honoured like the process's.
bool interruptibleSleep(double seconds, const std::atomic<bool>* alsoStop = nullptr);

}  // namespace intouch
