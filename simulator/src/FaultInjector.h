#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "Rng.h"
#include "RuntimeConfig.h"

namespace intouch::sim {

enum class FaultKind {
    None,
    TooManyRequests,     // 429 + Retry-After
    ServiceUnavailable,  // 503 + Retry-After
    ServerError,         // 500 with the JSON error body
    HtmlError,           // 500 with an HTML page
    EmptyBadGateway,     // 502 with an empty body
    Drop,                // real headers, half the body, then the connection is reset
    Truncate,            // 200 with a cut-off JSON body and a matching Content-Length
};

// Name used in /_sim/stats "faults": "429", "503", "500", "html", "empty", "drop", "truncate".
std::string_view faultName(FaultKind k);

struct FaultDecision {
    bool slow = false;  // sleep slow_ms first, then answer (possibly with another fault)
    FaultKind kind = FaultKind::None;
};

// One uniform draw per knob, in this fixed order: slow, 429, 503, 500, html, empty, drop,
// truncate. The first status fault whose draw is below its probability wins.
inline constexpr std::size_t kFaultDraws = 8;
FaultDecision decideFault(const FaultKnobs& k, const std::array<double, kFaultDraws>& draws);

// Seeded so a test run with a given seed and request sequence sees the same faults; every
// request consumes the same number of draws, so enabling one knob does not change when
// another one fires.
class FaultInjector {
  public:
    explicit FaultInjector(uint64_t seed) : rng_(seed) {}
    void reseed(uint64_t seed);
    FaultDecision next(const FaultKnobs& k);

  private:
    std::mutex mu_;
    Rng rng_;
};

}  // namespace intouch::sim
