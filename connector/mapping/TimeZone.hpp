#pragma once
// An IANA time zone from the system's tzdata (/usr/share/zoneinfo), read by Howard
// Hinnant's date/tz (libdate-tz), so that a datetime the CRM sends without an offset can
// be placed on the UTC time line exactly as the CRM meant it, including the daylight
// saving gap and the repeated autumn hour. std::chrono's zone support is not in g++ 12.

#include <cstdint>
#include <memory>
#include <string>

namespace intouch {

class TimeZone {
  public:
    // The zone /usr/share/zoneinfo/NAME. Throws ConfigError for an unknown or unreadable
    // zone. Thread-safe; the zone list is built once per process.
    static TimeZone load(const std::string& name);
    static TimeZone utc();

    const std::string& name() const;

    // Wall-clock time (counted as if it were UTC) -> UTC. In the spring-forward
    // gap the offset in force before the transition is used (02:30 -> 01:30Z in
    // Europe/Prague, as PostgreSQL does); in the repeated autumn hour the first
    // occurrence (summer time) when preferEarlier, else the second.
    std::int64_t localToUtcMicros(std::int64_t localMicros, bool preferEarlier = true) const;
    // Seconds east of UTC in force at the instant.
    int offsetSecondsAt(std::int64_t utcMicros) const;

    struct Data;

  private:
    explicit TimeZone(std::shared_ptr<const Data> d) : d_(std::move(d)) {}
    std::shared_ptr<const Data> d_;  // immutable, so copies share it
};

}  // namespace intouch
