#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "PagingRequest.h"
#include "QueryParams.h"
#include "Schema.h"
#include "VersionRules.h"

namespace intouch::sim {

// Per-request probabilities (0..1) of misbehaviour the documentation warns about.
struct FaultKnobs {
    double p429 = 0, p500 = 0, p503 = 0, slow = 0, drop = 0, truncate = 0, html = 0, empty = 0;
    int64_t retryAfterSeconds = 1;
    bool retryAfterHttpDate = false;
    int64_t slowMs = 2000;
};

// Answer shapes the documentation leaves open, each one a real server could pick (or a
// misbehaviour a connector must detect rather than trust).
struct ShapeKnobs {
    bool pageMembersFiles = false;   // members/files answered like every paged list (size 20)
    bool listsWithoutItems = false;  // /api/lists gives {id, name, locked}; items via /api/lists/{id}
    int64_t sizeCap = 0;             // > 0: pages hold at most this many records, whatever was asked
    std::array<bool, kResourceCount> omitTotal{};       // envelopes without `total`
    std::array<bool, kResourceCount> ignoreOrderBy{};   // `orderBy`/`desc` ignored: id order
    std::array<bool, kResourceCount> ignorePosition{};  // `position` ignored: always the first page
    // Code lists deleted right after /api/lists named them: still in that array, but
    // /api/lists/{id} answers 404 and /_sim/dump/lists leaves them out. Comma list of ids.
    std::string vanishedLists;
    // > 0: `total` in every page envelope overstates the list by this many records.
    int64_t totalExcess = 0;

    bool listVanished(std::string_view id) const {
        std::size_t start = 0;
        while (start <= vanishedLists.size()) {
            std::size_t comma = vanishedLists.find(',', start);
            if (comma == std::string::npos) comma = vanishedLists.size();
            if (std::string_view(vanishedLists).substr(start, comma - start) == id) return true;
            start = comma + 1;
        }
        return false;
    }
};

// Knobs that tests may change while the simulator runs (POST /_sim/config).
struct RuntimeConfig {
    int64_t mutatePerRequest = 0;
    std::array<bool, kResourceCount> mutateStreams{};  // indexed by Resource
    bool shuffleTies = false;
    double editWeight = 60, insertWeight = 25, deleteWeight = 15;
    bool maintenance = false;
    // Resources the API user has no rights to: answered 403 after authentication.
    std::array<bool, kResourceCount> forbidden{};  // indexed by Resource
    FaultKnobs faults;
    // The CRM version played (VersionRules.h); empty = the default (every endpoint, 6.2 in about).
    SimCrmVersion crmVersion;
    ShapeKnobs shape;

    RuntimeConfig() { mutateStreams[static_cast<std::size_t>(Resource::Parties)] = true; }
};

// "parties,comm" -> flags; names as in the API paths ("comments" means notes). Empty text
// selects no stream.
std::optional<std::array<bool, kResourceCount>> parseStreamList(std::string_view text);
std::string streamListText(const std::array<bool, kResourceCount>& streams);

// Applies every key=value pair, or none when one is invalid (the problem names the key).
std::optional<ParamProblem> applyConfigParams(RuntimeConfig& cfg, const QueryParams& q);

// The knobs as a JSON object's members (without braces), in the key names applyConfigParams
// accepts, so a GET can be replayed as a POST.
void appendConfigMembers(std::string& out, const RuntimeConfig& cfg);

}  // namespace intouch::sim
