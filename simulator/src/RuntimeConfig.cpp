#include "RuntimeConfig.h"

#include <charconv>
#include <functional>
#include <map>

#include "JsonWriter.h"

namespace intouch::sim {

std::optional<std::array<bool, kResourceCount>> parseStreamList(std::string_view text) {
    std::array<bool, kResourceCount> out{};
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view name = text.substr(start, comma - start);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (!name.empty()) {
            auto r = resourceFromName(name);
            if (!r) return std::nullopt;
            out[static_cast<std::size_t>(*r)] = true;
        }
        start = comma + 1;
    }
    return out;
}

std::string streamListText(const std::array<bool, kResourceCount>& streams) {
    std::string out;
    for (Resource r : allResources()) {
        if (!streams[static_cast<std::size_t>(r)]) continue;
        if (!out.empty()) out.push_back(',');
        out.append(resourceName(r));
    }
    return out;
}

namespace {

using Setter = std::function<std::optional<std::string>(RuntimeConfig&, const std::string&)>;

Setter probability(double FaultKnobs::*member) {
    return [member](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
        auto d = parseDouble(v);
        if (!d || *d < 0 || *d > 1) return "must be a probability between 0 and 1";
        c.faults.*member = *d;
        return std::nullopt;
    };
}

Setter weight(double RuntimeConfig::*member) {
    return [member](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
        auto d = parseDouble(v);
        if (!d || *d < 0) return "must be a non-negative number";
        c.*member = *d;
        return std::nullopt;
    };
}

Setter flag(std::function<bool&(RuntimeConfig&)> field) {
    return [field](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
        auto b = parseBool(v, true);
        if (!b) return "must be 0 or 1";
        field(c) = *b;
        return std::nullopt;
    };
}

Setter nonNegative(std::function<int64_t&(RuntimeConfig&)> field) {
    return [field](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
        auto n = parseInt64(v);
        if (!n || *n < 0) return "must be a non-negative integer";
        field(c) = *n;
        return std::nullopt;
    };
}

using Streams = std::array<bool, kResourceCount>;

Setter streamList(std::function<Streams&(RuntimeConfig&)> field) {
    return [field](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
        auto s = parseStreamList(v);
        if (!s) return "must be a comma-separated list of stream names";
        field(c) = *s;
        return std::nullopt;
    };
}

const std::map<std::string, Setter, std::less<>>& setters() {
    static const std::map<std::string, Setter, std::less<>> m{
        {"mutate_per_request",
         nonNegative([](RuntimeConfig& c) -> int64_t& { return c.mutatePerRequest; })},
        {"mutate_streams",
         [](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
             auto s = parseStreamList(v);
             if (!s) return "must be a comma-separated list of stream names";
             c.mutateStreams = *s;
             return std::nullopt;
         }},
        {"forbidden",
         [](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
             auto s = parseStreamList(v);
             if (!s) return "must be a comma-separated list of stream names";
             c.forbidden = *s;
             return std::nullopt;
         }},
        {"shuffle_ties", flag([](RuntimeConfig& c) -> bool& { return c.shuffleTies; })},
        {"edit_weight", weight(&RuntimeConfig::editWeight)},
        {"insert_weight", weight(&RuntimeConfig::insertWeight)},
        {"delete_weight", weight(&RuntimeConfig::deleteWeight)},
        {"maintenance", flag([](RuntimeConfig& c) -> bool& { return c.maintenance; })},
        {"fault_429", probability(&FaultKnobs::p429)},
        {"fault_500", probability(&FaultKnobs::p500)},
        {"fault_503", probability(&FaultKnobs::p503)},
        {"fault_slow", probability(&FaultKnobs::slow)},
        {"fault_drop", probability(&FaultKnobs::drop)},
        {"fault_truncate", probability(&FaultKnobs::truncate)},
        {"fault_html", probability(&FaultKnobs::html)},
        {"fault_empty", probability(&FaultKnobs::empty)},
        {"retry_after",
         nonNegative([](RuntimeConfig& c) -> int64_t& { return c.faults.retryAfterSeconds; })},
        {"retry_after_http_date",
         flag([](RuntimeConfig& c) -> bool& { return c.faults.retryAfterHttpDate; })},
        {"crm_version",
         [](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
             auto version = parseSimCrmVersion(v);
             if (!version) return "must be a CRM version X.Y[.Z[.B]] or empty (the default)";
             c.crmVersion = *version;
             return std::nullopt;
         }},
        {"slow_ms", nonNegative([](RuntimeConfig& c) -> int64_t& { return c.faults.slowMs; })},
        {"page_members_files",
         flag([](RuntimeConfig& c) -> bool& { return c.shape.pageMembersFiles; })},
        {"lists_without_items",
         flag([](RuntimeConfig& c) -> bool& { return c.shape.listsWithoutItems; })},
        {"size_cap", nonNegative([](RuntimeConfig& c) -> int64_t& { return c.shape.sizeCap; })},
        {"omit_total", streamList([](RuntimeConfig& c) -> Streams& { return c.shape.omitTotal; })},
        {"ignore_order_by",
         streamList([](RuntimeConfig& c) -> Streams& { return c.shape.ignoreOrderBy; })},
        {"ignore_position",
         streamList([](RuntimeConfig& c) -> Streams& { return c.shape.ignorePosition; })},
        {"total_excess",
         nonNegative([](RuntimeConfig& c) -> int64_t& { return c.shape.totalExcess; })},
        {"vanished_lists",
         [](RuntimeConfig& c, const std::string& v) -> std::optional<std::string> {
             c.shape.vanishedLists = v;
             return std::nullopt;
         }},
    };
    return m;
}

// Shortest text that reads back as the same double: 0.1 stays "0.1".
std::string number(double d) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    (void)ec;
    return std::string(buf, end);
}

}  // namespace

std::optional<ParamProblem> applyConfigParams(RuntimeConfig& cfg, const QueryParams& q) {
    RuntimeConfig next = cfg;
    for (const auto& [key, value] : q) {
        auto it = setters().find(key);
        if (it == setters().end()) return ParamProblem{key, "unknown config key '" + key + "'"};
        if (auto err = it->second(next, value))
            return ParamProblem{key, key + " " + *err + ", got '" + value + "'"};
    }
    cfg = next;
    return std::nullopt;
}

void appendConfigMembers(std::string& out, const RuntimeConfig& c) {
    auto member = [&out](std::string_view key, const std::string& jsonValue) {
        if (!out.empty() && out.back() != '{') out.push_back(',');
        json::appendString(out, key);
        out.push_back(':');
        out.append(jsonValue);
    };
    auto boolean = [](bool b) { return std::string(b ? "true" : "false"); };
    member("mutate_per_request", std::to_string(c.mutatePerRequest));
    member("mutate_streams", json::quote(streamListText(c.mutateStreams)));
    member("shuffle_ties", boolean(c.shuffleTies));
    member("edit_weight", number(c.editWeight));
    member("insert_weight", number(c.insertWeight));
    member("delete_weight", number(c.deleteWeight));
    member("maintenance", boolean(c.maintenance));
    member("forbidden", json::quote(streamListText(c.forbidden)));
    member("fault_429", number(c.faults.p429));
    member("fault_500", number(c.faults.p500));
    member("fault_503", number(c.faults.p503));
    member("fault_slow", number(c.faults.slow));
    member("fault_drop", number(c.faults.drop));
    member("fault_truncate", number(c.faults.truncate));
    member("fault_html", number(c.faults.html));
    member("fault_empty", number(c.faults.empty));
    member("retry_after", std::to_string(c.faults.retryAfterSeconds));
    member("retry_after_http_date", boolean(c.faults.retryAfterHttpDate));
    member("slow_ms", std::to_string(c.faults.slowMs));
    member("crm_version", json::quote(simCrmVersionText(c.crmVersion)));
    member("page_members_files", boolean(c.shape.pageMembersFiles));
    member("lists_without_items", boolean(c.shape.listsWithoutItems));
    member("size_cap", std::to_string(c.shape.sizeCap));
    member("omit_total", json::quote(streamListText(c.shape.omitTotal)));
    member("ignore_order_by", json::quote(streamListText(c.shape.ignoreOrderBy)));
    member("ignore_position", json::quote(streamListText(c.shape.ignorePosition)));
    member("vanished_lists", json::quote(c.shape.vanishedLists));
    member("total_excess", std::to_string(c.shape.totalExcess));
}

}  // namespace intouch::sim
