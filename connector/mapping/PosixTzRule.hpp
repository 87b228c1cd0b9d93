#pragma once
// The POSIX TZ string of a TZif footer ("CET-1CEST,M3.5.0,M10.5.0/3"): it gives
// the offsets for instants after the last transition listed in the file, which
// is how zones keep working in 2040 when files list transitions up to 2037 (or,
// "slim" files, far fewer).

#include <cstdint>
#include <optional>
#include <string>

namespace intouch {

class PosixTzRule {
  public:
    // nullopt when the text is not a TZ string this parser understands.
    static std::optional<PosixTzRule> parse(const std::string& text);

    int offsetSecondsAt(std::int64_t utcSeconds) const;
    bool hasDst() const { return hasDst_; }

    struct DateRule {
        enum class Form { Julian1, Julian0, MonthWeekDay } form = Form::MonthWeekDay;
        int day = 0;  // Jn: 1..365; n: 0..365; M: weekday 0..6
        int month = 0, week = 0;
        int timeSeconds = 7200;  // local time of day of the change, may be negative or > 24h
    };

  private:
    std::int64_t transitionUtc(std::int64_t year, const DateRule& r, int offsetBefore) const;

    int stdOffset_ = 0;  // seconds east of UTC
    int dstOffset_ = 0;
    bool hasDst_ = false;
    DateRule start_, end_;
};

}  // namespace intouch
