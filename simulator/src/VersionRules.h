#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intouch::sim {

// The CRM version the simulator plays (--crm-version, knob crm_version) and the endpoints
// that version serves, as the API documentation tells them apart:
//   /api/members                  from 6.5 on (404 before)
//   /api/notes (and nested)       before 7.0 (404 from 7.0 on)
//   /api/comments (and nested)    from 7.0 on (404 before)
// An empty version is the default: every endpoint is served (the friendliest CRM, what the
// tests were written against) and /api/about says 6.5.0.1234, the first version documented
// with /api/members, so that a connector honouring `since: 6.5` reads members from it.
using SimCrmVersion = std::vector<int>;

// "X.Y", "X.Y.Z" or "X.Y.Z.B" (non-negative integers); "" = the default. nullopt otherwise.
std::optional<SimCrmVersion> parseSimCrmVersion(std::string_view text);
std::string simCrmVersionText(const SimCrmVersion& v);  // "7.1"; "" for the default

// The four numbers of /api/about: the given ones, then 0 for a missing patch and 1234 for a
// missing build; 6.5.0.1234 for the default.
std::vector<int> aboutVersion(const SimCrmVersion& v);

// Whether a version serves the endpoint `resource` ("members", "notes", "comments", ...; for
// nested lists the last segment: /api/parties/1/comments -> "comments").
bool servesEndpoint(const SimCrmVersion& v, std::string_view resource);

}  // namespace intouch::sim
