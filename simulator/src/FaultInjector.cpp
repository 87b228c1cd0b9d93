#include "FaultInjector.h"

namespace intouch::sim {

std::string_view faultName(FaultKind k) {
    switch (k) {
        case FaultKind::None:
            return "none";
        case FaultKind::TooManyRequests:
            return "429";
        case FaultKind::ServiceUnavailable:
            return "503";
        case FaultKind::ServerError:
            return "500";
        case FaultKind::HtmlError:
            return "html";
        case FaultKind::EmptyBadGateway:
            return "empty";
        case FaultKind::Drop:
            return "drop";
        case FaultKind::Truncate:
            return "truncate";
    }
    return "none";
}

FaultDecision decideFault(const FaultKnobs& k, const std::array<double, kFaultDraws>& d) {
    FaultDecision out;
    out.slow = d[0] < k.slow;
    const std::pair<double, FaultKind> ordered[] = {
        {k.p429, FaultKind::TooManyRequests},  {k.p503, FaultKind::ServiceUnavailable},
        {k.p500, FaultKind::ServerError},      {k.html, FaultKind::HtmlError},
        {k.empty, FaultKind::EmptyBadGateway}, {k.drop, FaultKind::Drop},
        {k.truncate, FaultKind::Truncate}};
    for (std::size_t i = 0; i < std::size(ordered); ++i) {
        if (d[i + 1] < ordered[i].first) {
            out.kind = ordered[i].second;
            break;
        }
    }
    return out;
}

void FaultInjector::reseed(uint64_t seed) {
    std::lock_guard lock(mu_);
    rng_.reseed(seed);
}

FaultDecision FaultInjector::next(const FaultKnobs& k) {
    std::array<double, kFaultDraws> draws{};
    {
        std::lock_guard lock(mu_);
        for (auto& d : draws) d = rng_.unit();
    }
    return decideFault(k, draws);
}

}  // namespace intouch::sim
