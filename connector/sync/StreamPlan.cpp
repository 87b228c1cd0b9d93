#include "sync/StreamPlan.hpp"

#include <filesystem>

namespace intouch {

namespace {
std::string fileName(const StreamSpec& spec) {
    return spec.file.empty() ? spec.name + ".yaml"
                             : std::filesystem::path(spec.file).filename().string();
}
}  // namespace

StreamPlan planStream(const StreamSpec& spec, const CrmVersion& crm) {
    StreamPlan plan;
    if (!spec.versions.admits(crm)) {
        plan.served = false;
        plan.skipReason = spec.name + " is served " + spec.versions.describe() + " (" +
                          fileName(spec) + "); this CRM reports version " + crmVersionText(crm);
        return plan;
    }
    if (spec.endpoints.empty()) {
        plan.candidates.push_back(spec);
        return plan;
    }
    for (const auto& alt : spec.endpoints) {
        if (alt.versions.admits(crm))
            plan.candidates.push_back(spec.atEndpoint(alt));
        else
            plan.excluded.push_back(alt.name + " (" + alt.versions.describe() + ")");
    }
    if (plan.candidates.empty()) {
        plan.served = false;
        std::string names;
        for (const auto& n : plan.excluded) names += (names.empty() ? "" : ", ") + n;
        plan.skipReason = spec.name + " has no endpoint for this CRM version (" + fileName(spec) +
                          " lists " + names + "); this CRM reports version " + crmVersionText(crm);
    }
    return plan;
}

std::string notServedAdvice(const StreamSpec& spec, const CrmVersion& crm) {
    const std::string remove = "remove " + spec.name + " from `streams` in the config";
    if (spec.versions.since && !crm.empty())
        return spec.name + " is documented " + spec.versions.describe() + ": " + remove +
               ", or upgrade the CRM";
    return remove +
           ", or upgrade the CRM; if this CRM serves it under another name, list the "
           "names under endpoints: in " +
           fileName(spec) + " (with since:/until: where the versions are known)";
}

std::string choiceReason(const StreamSpec& spec, const StreamPlan& plan, std::size_t chosen) {
    if (spec.endpoints.empty()) return "the only endpoint of the mapping";
    const StreamSpec& c = plan.candidates.at(chosen);
    for (const auto& alt : spec.endpoints)
        if (alt.name == c.endpoint && alt.versions.declared())
            return "declared " + alt.versions.describe() + " in " + fileName(spec);
    if (chosen == 0 && plan.candidates.size() == 1) return "the only name left for this version";
    return chosen == 0 ? "first in endpoints:" : "the names before it answered 404";
}

}  // namespace intouch
