#pragma once
// Progress of a long read: records done out of the API's `total`, records per
// second and the time left. A migration of millions of records runs for many
// minutes; without this its operator cannot tell a slow run from a stuck one.
//  * On a terminal (stderr is a TTY) one live line, rewritten in place with \r,
//    at most four times a second so that redrawing costs nothing.
//  * Otherwise (cron, systemd, a log shipper) a `progress` log line every ~10 s;
//    a run shorter than that logs none, so frequent small incremental runs stay
//    quiet.
// The clock and the output are injectable so that the arithmetic and the
// throttling can be tested without waiting.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace intouch {

struct ProgressFigures {
    std::int64_t done = 0;
    std::optional<std::int64_t> total;
    double elapsedSeconds = 0;        // since the first update
    double recordsPerSecond = 0;      // over the same span; 0 until time has passed
    std::optional<double> percent;    // when total is known and positive (capped at 100)
    std::optional<double> etaSeconds; // when total is known and the rate is positive
};

// The figures after `elapsedSeconds`, going from `startDone` to `done` records.
// The first update is the baseline: a resumed run starts far into the list, and
// the connection set-up before the first page says nothing about the rate.
ProgressFigures progressFigures(std::int64_t startDone, std::int64_t done,
                                std::optional<std::int64_t> total, double elapsedSeconds);

// "1:02:03" for an hour or more, else "2:03".
std::string formatEta(double seconds);
// "parties: 120000 / 200000 (60.0%), 9850 records/s, ETA 0:08".
std::string formatProgressLine(const std::string& stream, const ProgressFigures& f);

class ProgressReporter {
public:
    enum class Mode { Live, Log, Off };
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    // Receives the figures to show; `final` on finish() (Live mode only).
    using Emit = std::function<void(const ProgressFigures&, bool final)>;

    static constexpr std::chrono::milliseconds kLiveInterval{250};
    static constexpr std::chrono::seconds kLogInterval{10};

    // Live on a TTY, Log otherwise, Off when info-level logging is off.
    static ProgressReporter forStderr(std::string stream);

    // emit defaults to the terminal (Live) or log::info (Log).
    ProgressReporter(std::string stream, Mode mode, Clock clock = std::chrono::steady_clock::now,
                     Emit emit = nullptr);
    ~ProgressReporter();  // ends a live line, so that what follows starts on its own line
    // Not copyable nor movable: a copy would end the live line twice. forStderr
    // returns a prvalue, which C++17 constructs in place.
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    // `done`: records passed so far (the list position reached); never goes back
    // on screen even when the reader re-finds an earlier position.
    void update(std::int64_t done, std::optional<std::int64_t> total);
    // Shows the last figures once more and ends the live line.
    void finish();

    Mode mode() const { return mode_; }

private:
    void emitNow(std::chrono::steady_clock::time_point now, bool final);

    std::string stream_;
    Mode mode_;
    Clock clock_;
    Emit emit_;
    std::chrono::steady_clock::time_point created_;
    std::optional<std::chrono::steady_clock::time_point> firstAt_;
    std::chrono::steady_clock::time_point lastEmit_;
    std::int64_t startDone_ = 0;
    std::int64_t done_ = 0;
    std::optional<std::int64_t> total_;
    bool shown_ = false;     // something was emitted (Live: a line is on screen)
    bool finished_ = false;
};

}  // namespace intouch
