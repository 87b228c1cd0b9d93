#pragma once
// What a run does with one stream on the CRM it talks to, decided from the version
// /api/about reports and the mapping's `since:` / `until:` / `endpoints:`: skip it (this
// version does not serve it), or read it from the first of its endpoint names that the CRM
// serves (docs/mapping-language.md, "CRM versions and endpoint names").

#include <string>
#include <vector>

#include "mapping/MappingSpec.hpp"
#include "mapping/VersionRange.hpp"

namespace intouch {

struct StreamPlan {
    bool served = true;
    std::string skipReason;  // when !served: which versions serve it, which this CRM is
    // The stream at each endpoint name to try, in order; a 404 before any answer moves on to
    // the next. Never empty when served.
    std::vector<StreamSpec> candidates;
    // Names left out because their declared versions exclude this CRM: "comments (from CRM 7.0
    // on)".
    std::vector<std::string> excluded;
};

StreamPlan planStream(const StreamSpec& spec, const CrmVersion& crm);

// For a stream the CRM answered 404 on every name tried: what the user can do about it.
std::string notServedAdvice(const StreamSpec& spec, const CrmVersion& crm);

// "the first name this CRM serves of notes, comments" / "declared for CRM 7.0 on" ...: why a
// candidate is read, for the log and `check`.
std::string choiceReason(const StreamSpec& spec, const StreamPlan& plan, std::size_t chosen);

}  // namespace intouch
