#include "ControlHandlers.h"

#include "ApiHandlers.h"
#include "CodeLists.h"
#include "FaultResponses.h"
#include "JsonWriter.h"
#include "RecordBuilder.h"
#include "RecordView.h"

namespace intouch::sim {

namespace {

SimResponse badRequest(const std::string& field, const std::string& message) {
    return errorResponse(400, message, field);
}

SimResponse methodNotAllowed(std::string_view allowed) {
    SimResponse r = errorResponse(405, "Method not allowed; use " + std::string(allowed));
    r.headers.emplace_back("Allow", std::string(allowed));
    return r;
}

}  // namespace

SimResponse ControlHandlers::handle(const SimRequest& req) {
    const std::string& p = req.path;
    const std::string dumpPrefix = "/_sim/dump/";
    if (p.rfind(dumpPrefix, 0) == 0) {
        if (req.method != "GET") return methodNotAllowed("GET");
        return dump(p.substr(dumpPrefix.size()), req);
    }
    if (p == "/_sim/mutate") {
        if (req.method != "POST") return methodNotAllowed("POST");
        return mutate(req);
    }
    if (p == "/_sim/set") {
        if (req.method != "POST") return methodNotAllowed("POST");
        return set(req);
    }
    if (p == "/_sim/config") {
        if (req.method != "GET" && req.method != "POST") return methodNotAllowed("GET, POST");
        return config(req);
    }
    if (p == "/_sim/stats") {
        if (req.method != "GET") return methodNotAllowed("GET");
        return jsonResponse(sim_.stats().json());
    }
    if (p == "/_sim/stats/reset") {
        if (req.method != "POST") return methodNotAllowed("POST");
        sim_.stats().reset();
        return jsonResponse(sim_.stats().json());
    }
    if (p == "/_sim/reset") {
        if (req.method != "POST") return methodNotAllowed("POST");
        return reset(req);
    }
    if (p == "/_sim/clock") {
        if (req.method != "GET") return methodNotAllowed("GET");
        return clock();
    }
    return errorResponse(404, "Unknown control path");
}

SimResponse ControlHandlers::dump(const std::string& name, const SimRequest& req) {
    if (name == "lists") {
        const ShapeKnobs shape = sim_.runtime().shape;
        std::string out = "[";
        for (const auto& l : codeLists()) {
            if (shape.listVanished(l.id)) continue;  // deleted in the CRM
            if (out.size() > 1) out.push_back(',');
            out.append(l.json);
        }
        out.push_back(']');
        return jsonResponse(std::move(out));
    }
    auto r = resourceFromName(name);
    if (!r) return errorResponse(404, "Unknown resource '" + name + "'");
    RecordView view = defaultListView(*r);
    view.commentsNaming = name == "comments";
    Simulator::ListRequest lr;
    lr.resource = *r;
    lr.mutate = false;
    if (*r == Resource::Buscases) {
        if (const auto* v = findParam(req.query, "caseType")) {
            if (*v == "all") {
                view.caseType = RecordView::kAllFields;
            } else {
                auto ct = parseInt64(*v);
                if (!ct || *ct < 0)
                    return badRequest("caseType",
                                      "caseType must be a non-negative integer or 'all'");
                view.caseType = static_cast<int>(std::min<int64_t>(*ct, 1'000'000));
                if (*ct > 0) {
                    const int64_t wanted = *ct;
                    const auto idx = fieldIndex(Resource::Buscases, "caseType");
                    lr.filter = [wanted, idx](const Record& rec) {
                        return std::holds_alternative<int64_t>(rec.values[idx]) &&
                               std::get<int64_t>(rec.values[idx]) == wanted;
                    };
                }
            }
        }
    }
    auto result = sim_.list(lr);
    if (*r == Resource::Members) sortMembersByKey(result.items);
    std::string out = "[";
    for (std::size_t i = 0; i < result.items.size(); ++i) {
        if (i) out.push_back(',');
        appendRecordJson(out, schemaFor(*r), *result.items[i], view, sim_.format());
    }
    out.push_back(']');
    return jsonResponse(std::move(out));
}

SimResponse ControlHandlers::mutate(const SimRequest& req) {
    const auto* stream = findParam(req.query, "stream");
    if (!stream) return badRequest("stream", "stream is required");
    auto r = resourceFromName(*stream);
    if (!r) return badRequest("stream", "unknown stream '" + *stream + "'");
    int64_t counts[3] = {0, 0, 0};
    const char* names[3] = {"edits", "inserts", "deletes"};
    for (int i = 0; i < 3; ++i) {
        if (const auto* v = findParam(req.query, names[i])) {
            auto n = parseInt64(*v);
            if (!n || *n < 0 || *n > 1'000'000)
                return badRequest(names[i],
                                  std::string(names[i]) + " must be an integer 0..1000000");
            counts[i] = *n;
        }
    }
    bool tie = false;
    if (const auto* v = findParam(req.query, "tie")) {
        auto b = parseBool(*v, true);
        if (!b) return badRequest("tie", "tie must be 0 or 1");
        tie = *b;
    }
    const auto res = sim_.mutate(*r, counts[0], counts[1], counts[2], tie);
    const auto orgIdx = schemaFor(Resource::Members).indexOf("org");
    const auto memberIdx = schemaFor(Resource::Members).indexOf("member");
    auto keys = [&](JsonBuilder& j, const std::vector<RecordPtr>& records) {
        j.beginArray();
        for (const auto& rec : records) {
            if (*r == Resource::Members) {
                j.beginArray()
                    .num(std::get<int64_t>(rec->values[*orgIdx]))
                    .num(std::get<int64_t>(rec->values[*memberIdx]))
                    .endArray();
            } else {
                j.num(rec->id);
            }
        }
        j.endArray();
    };
    JsonBuilder j;
    j.beginObject();
    j.key("edited");
    keys(j, res.edited);
    j.key("inserted");
    keys(j, res.inserted);
    j.key("deleted");
    keys(j, res.deleted);
    j.endObject();
    return jsonResponse(j.take());
}

SimResponse ControlHandlers::set(const SimRequest& req) {
    const auto* stream = findParam(req.query, "stream");
    if (!stream) return badRequest("stream", "stream is required");
    auto r = resourceFromName(*stream);
    if (!r) return badRequest("stream", "unknown stream '" + *stream + "'");
    if (*r == Resource::Members) return badRequest("stream", "members have no id to address");
    const auto* idText = findParam(req.query, "id");
    const auto id = idText ? parseInt64(*idText) : std::nullopt;
    if (!id) return badRequest("id", "id must be an integer");
    const auto* field = findParam(req.query, "field");
    if (!field) return badRequest("field", "field is required");
    const auto index = schemaFor(*r).indexOf(*field);
    if (!index) return badRequest("field", "stream " + *stream + " has no field '" + *field + "'");
    if (*field == "id") return badRequest("field", "id cannot be set");
    const auto* text = findParam(req.query, "value");
    const auto* json = findParam(req.query, "json");
    const auto* epoch = findParam(req.query, "epoch");
    if ((text != nullptr) + (json != nullptr) + (epoch != nullptr) != 1)
        return badRequest("value",
                          "give exactly one of value (a string), json (raw JSON text) and epoch "
                          "(a datetime in epoch seconds)");
    std::optional<int64_t> epochSeconds;
    if (epoch) {
        epochSeconds = parseInt64(*epoch);
        if (!epochSeconds) return badRequest("epoch", "epoch must be an integer (seconds)");
    }
    bool touch = false;
    if (const auto* v = findParam(req.query, "touch")) {
        auto b = parseBool(*v, true);
        if (!b) return badRequest("touch", "touch must be 0 or 1");
        touch = *b;
    }
    // Both are kept byte for byte: that is the point (invalid UTF-8, NUL, broken JSON).
    // epoch: a real datetime (sorted by instant, written per --datetime-format), e.g. a record
    // stamped in the future by a server whose clock was wrong.
    Value v = epochSeconds ? Value(DateTime{*epochSeconds})
              : text       ? Value(*text)
                           : Value(RawJson{*json});
    RecordPtr rec = sim_.setField(*r, *id, *index, std::move(v), touch);
    if (!rec) return errorResponse(404, "no record " + std::to_string(*id) + " in " + *stream);
    std::string out;
    appendRecordJson(out, schemaFor(*r), *rec, defaultListView(*r), sim_.format());
    return jsonResponse(std::move(out));
}

SimResponse ControlHandlers::config(const SimRequest& req) {
    if (req.method == "POST") {
        if (auto problem = sim_.updateRuntime(req.query))
            return badRequest(problem->field, problem->message);
    }
    const SimConfig& s = sim_.startup();
    const GenerationParams g = sim_.generation();
    std::string out = "{";
    appendConfigMembers(out, sim_.runtime());
    JsonBuilder fixed;
    fixed.beginObject();
    fixed.key("seed").num(static_cast<int64_t>(g.seed));
    fixed.key("records").num(g.records);
    fixed.key("tie_size").num(g.tieSize);
    fixed.key("datetime_format").str(dateTimeFormatName(s.datetimeFormat));
    fixed.key("timezone").str(s.timezone);
    fixed.key("threads").num(s.threads);
    fixed.key("tls").boolean(s.tls());
    fixed.key("precompute").boolean(s.precompute);
    fixed.key("crm_id").str(s.crmId);
    fixed.key("user").str(s.user);
    fixed.endObject();
    out.append(",\"fixed\":");
    out.append(fixed.text());
    out.push_back('}');
    return jsonResponse(std::move(out));
}

SimResponse ControlHandlers::reset(const SimRequest& req) {
    std::optional<uint64_t> seed;
    std::optional<int64_t> records, tieSize;
    if (const auto* v = findParam(req.query, "seed")) {
        auto n = parseInt64(*v);
        if (!n || *n < 0) return badRequest("seed", "seed must be a non-negative integer");
        seed = static_cast<uint64_t>(*n);
    }
    if (const auto* v = findParam(req.query, "records")) {
        auto n = parseInt64(*v);
        if (!n || *n < 0 || *n > kMaxRecords)
            return badRequest("records",
                              "records must be an integer 0.." + std::to_string(kMaxRecords));
        records = *n;
    }
    if (const auto* v = findParam(req.query, "tie_size")) {
        auto n = parseInt64(*v);
        if (!n || *n < 1) return badRequest("tie_size", "tie_size must be a positive integer");
        tieSize = *n;
    }
    const GenerationParams g = sim_.reset(seed, records, tieSize);
    JsonBuilder j;
    j.beginObject().key("seed").num(static_cast<int64_t>(g.seed)).key("records").num(g.records);
    j.key("tie_size").num(g.tieSize).key("counts").beginObject();
    for (Resource r : allResources()) j.key(resourceName(r)).num(sim_.count(r));
    j.endObject().endObject();
    return jsonResponse(j.take());
}

SimResponse ControlHandlers::clock() {
    const int64_t now = sim_.clock().now();
    JsonBuilder j;
    j.beginObject();
    j.key("epoch_seconds").num(now);
    j.key("api").raw([&] {
        std::string v;
        appendDateTimeJson(v, now, sim_.format());
        return v;
    }());
    j.key("http_date").str(httpDate(now));
    j.endObject();
    return jsonResponse(j.take());
}

}  // namespace intouch::sim
