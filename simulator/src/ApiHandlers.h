#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "HttpTypes.h"
#include "RecordView.h"
#include "Simulator.h"

namespace intouch::sim {

// The documented InTouch REST API under /api: authentication, routing, parameter
// validation and the JSON shapes. Faults and statistics are the transport's business.
class ApiHandlers {
  public:
    explicit ApiHandlers(Simulator& sim) : sim_(sim) {}

    SimResponse handle(const SimRequest& req);

  private:
    SimResponse about();
    SimResponse list(Resource r, RecordView view, const SimRequest& req, Simulator::Filter filter);
    SimResponse single(Resource r, const RecordView& view, std::string_view idText);
    SimResponse files(const SimRequest& req, Simulator::Filter filter);
    SimResponse members(const SimRequest& req);
    SimResponse lists(const std::optional<std::string>& id);

    Simulator& sim_;
};

// Path segments after "/api", empty ones (trailing or doubled slashes) dropped.
std::vector<std::string> apiPathSegments(std::string_view path);
// Strict positive-or-zero integer id; nullopt for anything else.
std::optional<int64_t> parseId(std::string_view text);

// Members have no id; they are served and dumped in (org, member) order.
void sortMembersByKey(std::vector<RecordPtr>& items);

// Writes ({"total":.. unless !withTotal),"position":..,"size":..,["orderBy":..,"desc":..,]"items":[...]}.
std::string pageEnvelope(const ResourceSchema& schema, const RecordView& view, DateTimeFormat f,
                         int64_t total, int64_t position, int64_t size,
                         const std::optional<std::string>& orderBy, bool desc,
                         const std::vector<RecordPtr>& items, bool withTotal = true);

}  // namespace intouch::sim
