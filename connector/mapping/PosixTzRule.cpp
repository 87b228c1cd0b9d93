#include "mapping/PosixTzRule.hpp"

#include <cctype>

#include "mapping/TimestampParser.hpp"

namespace intouch {

namespace {

class Scanner {
  public:
    explicit Scanner(const std::string& s) : s_(s) {}
    bool atEnd() const { return p_ >= s_.size(); }
    char peek() const { return atEnd() ? '\0' : s_[p_]; }
    bool take(char c) {
        if (peek() != c) return false;
        ++p_;
        return true;
    }

    // "<+03>" or three or more letters.
    bool name() {
        if (take('<')) {
            while (!atEnd() && peek() != '>') ++p_;
            return take('>');
        }
        std::size_t n = 0;
        while (std::isalpha(static_cast<unsigned char>(peek()))) {
            ++p_;
            ++n;
        }
        return n >= 3;
    }

    bool number(int& out, int maxDigits) {
        int n = 0, v = 0;
        while (std::isdigit(static_cast<unsigned char>(peek())) && n < maxDigits) {
            v = v * 10 + (peek() - '0');
            ++p_;
            ++n;
        }
        out = v;
        return n > 0;
    }

    // [+-]hh[:mm[:ss]] as seconds, sign as written.
    bool clock(int& seconds, int maxHours) {
        int sign = 1;
        if (take('-'))
            sign = -1;
        else
            take('+');
        int h = 0, m = 0, s = 0;
        if (!number(h, 3) || h > maxHours) return false;
        if (take(':')) {
            if (!number(m, 2) || m > 59) return false;
            if (take(':') && (!number(s, 2) || s > 59)) return false;
        }
        seconds = sign * (h * 3600 + m * 60 + s);
        return true;
    }

    bool date(PosixTzRule::DateRule& r) {
        using Form = PosixTzRule::DateRule::Form;
        if (take('M')) {
            r.form = Form::MonthWeekDay;
            if (!number(r.month, 2) || r.month < 1 || r.month > 12 || !take('.')) return false;
            if (!number(r.week, 1) || r.week < 1 || r.week > 5 || !take('.')) return false;
            if (!number(r.day, 1) || r.day > 6) return false;
        } else if (take('J')) {
            r.form = Form::Julian1;
            if (!number(r.day, 3) || r.day < 1 || r.day > 365) return false;
        } else {
            r.form = Form::Julian0;
            if (!number(r.day, 3) || r.day > 365) return false;
        }
        r.timeSeconds = 7200;
        if (take('/') && !clock(r.timeSeconds, 167)) return false;
        return true;
    }

  private:
    const std::string& s_;
    std::size_t p_ = 0;
};

}  // namespace

std::optional<PosixTzRule> PosixTzRule::parse(const std::string& text) {
    Scanner sc(text);
    PosixTzRule r;
    int off = 0;
    if (!sc.name() || !sc.clock(off, 24)) return std::nullopt;
    r.stdOffset_ = -off;  // POSIX counts west of UTC as positive
    r.dstOffset_ = r.stdOffset_;
    if (sc.atEnd()) return r;
    if (!sc.name()) return std::nullopt;
    r.hasDst_ = true;
    r.dstOffset_ = r.stdOffset_ + 3600;
    if (sc.peek() != ',' && !sc.atEnd()) {
        if (!sc.clock(off, 24)) return std::nullopt;
        r.dstOffset_ = -off;
    }
    if (sc.atEnd()) {
        // POSIX leaves the default rule to the implementation; use the US one as glibc does.
        r.start_ = DateRule{DateRule::Form::MonthWeekDay, 0, 3, 2, 7200};
        r.end_ = DateRule{DateRule::Form::MonthWeekDay, 0, 11, 1, 7200};
        return r;
    }
    if (!sc.take(',') || !sc.date(r.start_) || !sc.take(',') || !sc.date(r.end_) || !sc.atEnd())
        return std::nullopt;
    return r;
}

std::int64_t PosixTzRule::transitionUtc(std::int64_t year, const DateRule& r,
                                        int offsetBefore) const {
    std::int64_t day = 0;
    const std::int64_t jan1 = daysFromCivil(year, 1, 1);
    switch (r.form) {
        case DateRule::Form::Julian1:
            // Jn never counts February 29.
            day = jan1 + r.day - 1 + ((isLeapYear(year) && r.day >= 60) ? 1 : 0);
            break;
        case DateRule::Form::Julian0:
            day = jan1 + r.day;
            break;
        case DateRule::Form::MonthWeekDay: {
            const std::int64_t first = daysFromCivil(year, r.month, 1);
            day = first + (r.day - weekdayFromDays(first) + 7) % 7 + (r.week - 1) * 7;
            while (day >= first + daysInMonth(year, r.month)) day -= 7;  // week 5 = last
            break;
        }
    }
    return day * 86400 + r.timeSeconds - offsetBefore;
}

int PosixTzRule::offsetSecondsAt(std::int64_t utcSeconds) const {
    if (!hasDst_) return stdOffset_;
    std::int64_t year = 0;
    int m = 0, d = 0;
    civilFromDays(floorDiv(utcSeconds + stdOffset_, 86400), year, m, d);
    const std::int64_t start = transitionUtc(year, start_, stdOffset_);
    const std::int64_t end = transitionUtc(year, end_, dstOffset_);
    bool dst;
    if (start < end)
        dst = utcSeconds >= start && utcSeconds < end;  // northern hemisphere
    else
        dst = !(utcSeconds >= end && utcSeconds < start);  // southern: DST spans the new year
    return dst ? dstOffset_ : stdOffset_;
}

}  // namespace intouch
