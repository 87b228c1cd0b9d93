#include "mapping/TimeZone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <vector>

#include "common/Errors.hpp"
#include "mapping/PosixTzRule.hpp"
#include "mapping/TimestampParser.hpp"

namespace intouch {

struct TimeZone::Data {
    std::string name;
    std::vector<std::int64_t> transitions;  // UTC seconds, ascending
    std::vector<int> transitionOffsets;     // offset in force from transitions[i] on
    int initialOffset = 0;                  // before the first transition (local time type 0)
    std::optional<PosixTzRule> footer;      // after the last transition

    int offsetAt(std::int64_t utcSeconds) const {
        if (transitions.empty())
            return footer ? footer->offsetSecondsAt(utcSeconds) : initialOffset;
        if (utcSeconds < transitions.front()) return initialOffset;
        if (footer && utcSeconds >= transitions.back()) return footer->offsetSecondsAt(utcSeconds);
        auto it = std::upper_bound(transitions.begin(), transitions.end(), utcSeconds);
        return transitionOffsets[static_cast<std::size_t>(it - transitions.begin()) - 1];
    }
};

namespace {

class Reader {
  public:
    Reader(const std::string& bytes, const std::string& where) : b_(bytes), where_(where) {}
    std::size_t pos() const { return p_; }
    void need(std::size_t n) const {
        if (p_ + n > b_.size()) bad("truncated");
    }
    std::uint8_t u8() {
        need(1);
        return static_cast<std::uint8_t>(b_[p_++]);
    }
    std::uint32_t u32() {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(b_[p_++]);
        return v;
    }
    std::int64_t i64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(b_[p_++]);
        return static_cast<std::int64_t>(v);
    }
    std::int64_t i32() { return static_cast<std::int32_t>(u32()); }
    void skip(std::size_t n) {
        need(n);
        p_ += n;
    }
    std::string rest() const { return b_.substr(std::min(p_, b_.size())); }
    [[noreturn]] void bad(const std::string& why) const {
        throw ConfigError("time zone file " + where_ + " is not a valid TZif file (" + why +
                          "); reinstall the tzdata package");
    }

  private:
    const std::string& b_;
    std::string where_;
    std::size_t p_ = 0;
};

struct Header {
    char version = 0;
    std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

Header readHeader(Reader& r) {
    r.need(44);
    if (r.u8() != 'T' || r.u8() != 'Z' || r.u8() != 'i' || r.u8() != 'f') r.bad("no TZif magic");
    Header h;
    h.version = static_cast<char>(r.u8());
    r.skip(15);
    h.isutcnt = r.u32();
    h.isstdcnt = r.u32();
    h.leapcnt = r.u32();
    h.timecnt = r.u32();
    h.typecnt = r.u32();
    h.charcnt = r.u32();
    if (h.typecnt == 0) r.bad("no local time types");
    return h;
}

// One data block; `wide` = the v2+ block with 64-bit times.
void readBlock(Reader& r, const Header& h, bool wide, TimeZone::Data& d) {
    std::vector<std::int64_t> times(h.timecnt);
    for (auto& t : times) t = wide ? r.i64() : r.i32();
    std::vector<std::uint8_t> idx(h.timecnt);
    for (auto& i : idx) i = r.u8();
    std::vector<int> offsets(h.typecnt);
    for (auto& o : offsets) {
        o = static_cast<int>(r.i32());
        r.skip(2);  // isdst, abbreviation index: the offset is all we need
    }
    r.skip(h.charcnt);
    r.skip(static_cast<std::size_t>(h.leapcnt) * (wide ? 12 : 8));
    r.skip(h.isstdcnt);
    r.skip(h.isutcnt);
    d.transitions = std::move(times);
    d.transitionOffsets.clear();
    for (auto i : idx) {
        if (i >= offsets.size()) r.bad("transition refers to a missing local time type");
        d.transitionOffsets.push_back(offsets[i]);
    }
    d.initialOffset = offsets[0];
    if (!std::is_sorted(d.transitions.begin(), d.transitions.end()))
        r.bad("transitions out of order");
}

bool plausibleName(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
               c == '+';
    });
}

}  // namespace

TimeZone TimeZone::load(const std::string& name) {
    if (!plausibleName(name))
        throw ConfigError("unknown time zone '" + name +
                          "' — use an IANA zone name such as Europe/Prague or UTC");
    const char* env = std::getenv("TZDIR");
    const std::string dir = env && *env ? env : "/usr/share/zoneinfo";
    const std::string path = dir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError(
            "unknown time zone '" + name + "' (no file " + path +
            ") — use an IANA zone name such as Europe/Prague, and check that the tzdata "
            "package is installed");
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

    auto d = std::make_shared<Data>();
    d->name = name;
    Reader r(bytes, path);
    Header h1 = readHeader(r);
    if (h1.leapcnt != 0)
        throw ConfigError(
            "time zone '" + name +
            "' counts leap seconds (a right/ zone); use the plain zone name, e.g. Europe/Prague");
    readBlock(r, h1, false, *d);
    if (h1.version >= '2') {
        Header h2 = readHeader(r);
        readBlock(r, h2, true, *d);
        std::string footer = r.rest();
        if (footer.size() >= 2 && footer.front() == '\n') {
            auto nl = footer.find('\n', 1);
            std::string tz = footer.substr(1, nl == std::string::npos ? std::string::npos : nl - 1);
            if (!tz.empty()) {
                d->footer = PosixTzRule::parse(tz);
                if (!d->footer) r.bad("footer TZ string '" + tz + "' is not understood");
            }
        }
    }
    return TimeZone(std::move(d));
}

TimeZone TimeZone::utc() {
    static const std::shared_ptr<const Data> data = [] {
        auto d = std::make_shared<Data>();
        d->name = "UTC";
        return d;
    }();
    return TimeZone(data);
}

const std::string& TimeZone::name() const {
    return d_->name;
}

int TimeZone::offsetSecondsAt(std::int64_t utcMicros) const {
    return d_->offsetAt(floorDiv(utcMicros, kMicrosPerSecond));
}

std::int64_t TimeZone::localToUtcMicros(std::int64_t localMicros, bool preferEarlier) const {
    const std::int64_t local = floorDiv(localMicros, kMicrosPerSecond);
    const std::int64_t sub = localMicros - local * kMicrosPerSecond;
    // Offsets in force a day either side bracket any single transition; a wall
    // time is valid under an offset when that offset is in force at the
    // instant it names.
    std::set<int> candidates{d_->offsetAt(local - 86400), d_->offsetAt(local),
                             d_->offsetAt(local + 86400)};
    std::vector<std::int64_t> valid;
    for (int o : candidates)
        if (d_->offsetAt(local - o) == o) valid.push_back(local - o);
    std::int64_t utc;
    if (valid.empty()) {
        // The wall time falls in a gap: clocks jumped forward over it. Read it
        // with the offset from before the jump, which is the smaller one.
        utc = local - *candidates.begin();
    } else {
        utc = preferEarlier ? *std::min_element(valid.begin(), valid.end())
                            : *std::max_element(valid.begin(), valid.end());
    }
    return utc * kMicrosPerSecond + sub;
}

}  // namespace intouch
