#include "sync/ProgressReporter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <utility>
#include <vector>

#include "common/Log.hpp"

namespace intouch {

namespace {

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string whole(double v) { return std::to_string(static_cast<std::int64_t>(std::llround(v))); }

// The live line, rewritten in place. Padding with spaces (not an ANSI erase)
// clears the rest of a longer previous line on any terminal. Streams read side by
// side (sync.parallel_streams) share it: "parties: ... | notes: ...", in the order
// they started; one that ends prints its last figures on a line of their own and
// the others go on below.
class LiveBoard {
public:
    static LiveBoard& instance() {
        static LiveBoard board;
        return board;
    }
    int join() {
        std::lock_guard lock(mutex_);
        return nextId_++;
    }
    void show(int id, const std::string& text, bool final) {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(active_.begin(), active_.end(), [id](const auto& a) { return a.first == id; });
        if (final) {
            if (it != active_.end()) active_.erase(it);
            draw(text, true);
            if (!active_.empty()) draw(joined(), false);
            return;
        }
        if (it == active_.end())
            active_.emplace_back(id, text);
        else
            it->second = text;
        draw(joined(), false);
    }

private:
    std::string joined() const {
        std::string out;
        for (const auto& [id, text] : active_) out += (out.empty() ? "" : " | ") + text;
        return out;
    }
    void draw(std::string text, bool newline) {
        const std::size_t shown = text.size();
        if (text.size() < width_) text.append(width_ - text.size(), ' ');
        width_ = newline ? 0 : shown;
        std::string out = "\r" + text + (newline ? "\n" : "");
        std::fwrite(out.data(), 1, out.size(), stderr);
        std::fflush(stderr);
    }

    std::mutex mutex_;
    std::vector<std::pair<int, std::string>> active_;
    int nextId_ = 0;
    std::size_t width_ = 0;
};

class TerminalLine {
public:
    explicit TerminalLine(std::string stream) : stream_(std::move(stream)), id_(LiveBoard::instance().join()) {}
    void operator()(const ProgressFigures& f, bool final) {
        LiveBoard::instance().show(id_, formatProgressLine(stream_, f), final);
    }

private:
    std::string stream_;
    int id_;
};

}  // namespace

ProgressFigures progressFigures(std::int64_t startDone, std::int64_t done,
                                std::optional<std::int64_t> total, double elapsedSeconds) {
    ProgressFigures f;
    f.done = done;
    f.total = total;
    f.elapsedSeconds = std::max(0.0, elapsedSeconds);
    if (f.elapsedSeconds > 0)
        f.recordsPerSecond = static_cast<double>(std::max<std::int64_t>(0, done - startDone)) / f.elapsedSeconds;
    if (total && *total > 0) {
        f.percent = std::min(100.0, 100.0 * static_cast<double>(done) / static_cast<double>(*total));
        if (f.recordsPerSecond > 0)
            f.etaSeconds = static_cast<double>(std::max<std::int64_t>(0, *total - done)) / f.recordsPerSecond;
    }
    return f;
}

std::string formatEta(double seconds) {
    const auto s = static_cast<std::int64_t>(std::llround(std::max(0.0, seconds)));
    char buf[48];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                      static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    return buf;
}

std::string formatProgressLine(const std::string& stream, const ProgressFigures& f) {
    std::string line = stream + ": " + std::to_string(f.done);
    if (f.total) line += " / " + std::to_string(*f.total);
    if (f.percent) line += " (" + fixed1(*f.percent) + "%)";
    if (f.recordsPerSecond > 0) line += ", " + whole(f.recordsPerSecond) + " records/s";
    if (f.etaSeconds) line += ", ETA " + formatEta(*f.etaSeconds);
    return line;
}

ProgressReporter ProgressReporter::forStderr(std::string stream) {
    Mode mode = !log::enabled(log::Level::Info) ? Mode::Off
                : isatty(STDERR_FILENO)         ? Mode::Live
                                                : Mode::Log;
    return ProgressReporter(std::move(stream), mode);
}

ProgressReporter::ProgressReporter(std::string stream, Mode mode, Clock clock, Emit emit)
    : stream_(std::move(stream)), mode_(mode), clock_(std::move(clock)), emit_(std::move(emit)) {
    if (!emit_ && mode_ == Mode::Live) emit_ = TerminalLine(stream_);
    if (!emit_ && mode_ == Mode::Log) {
        emit_ = [name = stream_](const ProgressFigures& f, bool) {
            log::info("progress", {{"stream", name},
                                   {"done", std::to_string(f.done)},
                                   {"total", f.total ? std::to_string(*f.total) : ""},
                                   {"percent", f.percent ? fixed1(*f.percent) : ""},
                                   {"records_per_second", whole(f.recordsPerSecond)},
                                   {"eta_seconds", f.etaSeconds ? whole(*f.etaSeconds) : ""}});
        };
    }
    created_ = clock_();
    // Log mode's first line comes one interval after the start, not at once.
    lastEmit_ = created_;
}

ProgressReporter::~ProgressReporter() {
    try {
        finish();
    } catch (...) {
        // Nothing useful to do about a terminal that cannot be written.
    }
}

void ProgressReporter::update(std::int64_t done, std::optional<std::int64_t> total) {
    if (mode_ == Mode::Off || finished_) return;
    const auto now = clock_();
    if (!firstAt_) {
        firstAt_ = now;
        startDone_ = done;
        done_ = done;
    }
    done_ = std::max(done_, done);
    if (total) total_ = total;
    // A live line appears at once and is redrawn at most every kLiveInterval; a
    // log line only every kLogInterval, the first one that long after the start.
    const bool due = mode_ == Mode::Live ? (!shown_ || now - lastEmit_ >= kLiveInterval)
                                         : now - lastEmit_ >= kLogInterval;
    if (!due) return;
    lastEmit_ = now;
    emitNow(now, false);
}

void ProgressReporter::finish() {
    if (finished_) return;
    finished_ = true;
    // Only a live line needs closing; the log has the stream's own summary line.
    if (mode_ == Mode::Live && shown_) emitNow(clock_(), true);
}

void ProgressReporter::emitNow(std::chrono::steady_clock::time_point now, bool final) {
    const double elapsed = std::chrono::duration<double>(now - *firstAt_).count();
    emit_(progressFigures(startDone_, done_, total_, elapsed), final);
    shown_ = true;
}

}  // namespace intouch
