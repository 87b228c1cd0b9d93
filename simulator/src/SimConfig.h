#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "DateTimeFormat.h"
#include "RuntimeConfig.h"
#include "Schema.h"

namespace intouch::sim {

inline constexpr int64_t kMaxRecords = 2'000'000;

// Command-line options of intouch-sim (see README.md for their meaning).
struct SimConfig {
    int port = 0;
    std::string bind = "127.0.0.1";
    uint64_t seed = 42;
    int64_t records = 1000;
    std::string user = "api";
    std::string password = "secret";
    int64_t tieSize = 1;
    DateTimeFormat datetimeFormat = DateTimeFormat::IsoOffset;
    std::string timezone = "Europe/Prague";
    bool shuffleTies = false;
    int threads = 4;
    std::string tlsCert;
    std::string tlsKey;
    bool maintenance = false;
    int64_t mutatePerRequest = 0;
    std::array<bool, kResourceCount> mutateStreams = RuntimeConfig{}.mutateStreams;
    std::array<bool, kResourceCount> forbidden{};
    bool precompute = false;
    ShapeKnobs shape;  // --page-members-files, --lists-without-items, --size-cap, ...
    std::string crmId = "SIM-CRM-0001";
    SimCrmVersion crmVersion;  // empty = the default (VersionRules.h)
    // The simulated clock: unset = the wall clock; else this instant at startup, running
    // clockSpeed times as fast as the wall clock (SimClock::scheduled).
    std::optional<int64_t> clockStart;
    double clockSpeed = 1.0;
    bool help = false;

    bool tls() const { return !tlsCert.empty(); }
};

// Accepts "--name value" and "--name=value". Returns the error text for bad input.
std::variant<SimConfig, std::string> parseCommandLine(const std::vector<std::string>& args);
std::string usageText();

RuntimeConfig initialRuntimeConfig(const SimConfig& c);

}  // namespace intouch::sim
