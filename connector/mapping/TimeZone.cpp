#include "mapping/TimeZone.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>

// ptz.h's time_zone::name() says `hh_mm_ss` under both `using namespace date` and
// `using namespace std::chrono`, which is ambiguous in C++20 (std::chrono::hh_mm_ss). A
// name only date has keeps the header as it is.
namespace date {
template <class Duration>
using hh_mm_ss_for_ptz = hh_mm_ss<Duration>;
}
#define hh_mm_ss hh_mm_ss_for_ptz
#include <date/ptz.h>
#undef hh_mm_ss

#include "common/Errors.hpp"
#include "common/TimestampParser.hpp"

namespace intouch {

namespace {
// Debian's libdate-tz is built with USE_OS_TZDB and reads the tzdata package's files here.
constexpr const char* kZoneDir = "/usr/share/zoneinfo";

bool plausibleName(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
               c == '+';
    });
}

// The POSIX TZ string that closes a version 2+ TZif file ("\nCET-1CEST,M3.5.0,M10.5.0/3\n"),
// empty when there is none. libdate-tz (3.0.1) reads only the listed transitions, and
// Debian's files list them up to 2037 only: the rule for later instants is this string.
std::string footerOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.size() < 44 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' ||
        bytes.back() != '\n')
        return {};
    const auto start = bytes.rfind('\n', bytes.size() - 2);
    if (start == std::string::npos) return {};
    return bytes.substr(start + 1, bytes.size() - start - 2);
}
}  // namespace

struct TimeZone::Data {
    std::string name;
    const date::time_zone* zone = nullptr;  // null: UTC
    // From the zone's last listed transition on, its footer rule decides.
    std::optional<Posix::time_zone> footer;
    date::sys_seconds footerFrom{};

    bool useFooter(std::int64_t seconds) const {
        return footer && seconds >= footerFrom.time_since_epoch().count();
    }
};

TimeZone TimeZone::load(const std::string& name) {
    if (!plausibleName(name))
        throw ConfigError("unknown time zone '" + name +
                          "' — use an IANA zone name such as Europe/Prague or UTC");
    if (name.rfind("right/", 0) == 0)
        throw ConfigError(
            "time zone '" + name +
            "' counts leap seconds (a right/ zone); use the plain zone name, e.g. Europe/Prague");
    const std::string path = std::string(kZoneDir) + "/" + name;
    auto d = std::make_shared<Data>();
    d->name = name;
    // The database (a list of the zone files, each read on first use) is built once per
    // process by date's thread-safe static initialisation; locate_zone only looks it up.
    try {
        d->zone = date::locate_zone(name);
    } catch (const std::exception&) {
        throw ConfigError(
            "unknown time zone '" + name + "' (no file " + path +
            ") — use an IANA zone name such as Europe/Prague, and check that the tzdata "
            "package is installed");
    }
    try {
        // Reads the file now, so a broken one is a configuration error, not a failed record.
        d->footerFrom = d->zone->get_info(date::sys_days{date::year{9999} / 1 / 1}).begin;
        const std::string footer = footerOf(path);
        if (!footer.empty()) d->footer.emplace(footer);
    } catch (const std::exception& e) {
        throw ConfigError("time zone '" + name + "': " + path +
                          " is not a valid TZif file (" + e.what() + ")");
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
    if (!d_->zone) return 0;
    const std::int64_t seconds = floorDiv(utcMicros, kMicrosPerSecond);
    const date::sys_seconds t{std::chrono::seconds{seconds}};
    const date::sys_info info = d_->useFooter(seconds) ? d_->footer->get_info(t) : d_->zone->get_info(t);
    return static_cast<int>(info.offset.count());
}

std::int64_t TimeZone::localToUtcMicros(std::int64_t localMicros, bool preferEarlier) const {
    if (!d_->zone) return localMicros;
    const std::int64_t local = floorDiv(localMicros, kMicrosPerSecond);
    const std::int64_t sub = localMicros - local * kMicrosPerSecond;
    const date::local_seconds t{std::chrono::seconds{local}};
    // A day past the last listed transition no offset can reach back before it.
    const date::local_info info =
        d_->useFooter(local - 86400) ? d_->footer->get_info(t) : d_->zone->get_info(t);
    // `first` is the earlier reading: in a gap the offset from before the jump (02:30 ->
    // 01:30Z in Europe/Prague, as PostgreSQL does), in a repeat the first pass.
    const auto& chosen =
        info.result == date::local_info::ambiguous && !preferEarlier ? info.second : info.first;
    return (local - chosen.offset.count()) * kMicrosPerSecond + sub;
}

}  // namespace intouch
