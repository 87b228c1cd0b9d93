#pragma once

#include "HttpTypes.h"
#include "Simulator.h"

namespace intouch::sim {

// The test-only control API under /_sim/ (no authentication): inspect and change the
// simulated CRM's data, knobs and statistics. Never subject to faults or counted in stats.
class ControlHandlers {
  public:
    explicit ControlHandlers(Simulator& sim) : sim_(sim) {}

    SimResponse handle(const SimRequest& req);

  private:
    SimResponse dump(const std::string& name, const SimRequest& req);
    SimResponse mutate(const SimRequest& req);
    SimResponse set(const SimRequest& req);
    SimResponse config(const SimRequest& req);
    SimResponse reset(const SimRequest& req);
    SimResponse clock();

    Simulator& sim_;
};

}  // namespace intouch::sim
