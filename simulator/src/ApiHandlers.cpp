#include "ApiHandlers.h"

#include <algorithm>

#include "Auth.h"
#include "CodeLists.h"
#include "JsonWriter.h"
#include "PagingRequest.h"
#include "RecordBuilder.h"
#include "VersionRules.h"

namespace intouch::sim {

namespace {

// Resources served by the generic paged list and single-record endpoints.
std::optional<Resource> pagedResource(std::string_view segment) {
    if (segment == "files" || segment == "members") return std::nullopt;
    return resourceFromName(segment);
}

SimResponse methodNotAllowed() {
    SimResponse r = errorResponse(405, "Method not allowed; this endpoint supports GET only");
    r.headers.emplace_back("Allow", "GET");
    return r;
}

SimResponse notFound(std::string_view what) {
    return errorResponse(404, what);
}

// Checks orderBy against the fields the view shows.
std::variant<SortSpec, ParamProblem> sortFor(const ResourceSchema& s, const RecordView& view,
                                             const PagingRequest& p) {
    SortSpec sort;
    sort.desc = p.desc;
    if (!p.orderBy) return sort;
    auto idx = viewFieldIndex(s, view, *p.orderBy);
    if (!idx) return ParamProblem{"orderBy", "Unknown field '" + *p.orderBy + "' for orderBy"};
    if (s.fields[*idx].kind == FieldKind::Nested)
        return ParamProblem{"orderBy", "Field '" + *p.orderBy + "' cannot be used for sorting"};
    sort.field = idx;
    return sort;
}

SimResponse badRequest(const ParamProblem& p) {
    return errorResponse(400, p.message, p.field);
}

// Applies the shape knobs of resource r to a validated request: what this server actually
// serves (see ShapeKnobs).
PagingRequest shaped(const ShapeKnobs& k, Resource r, PagingRequest p) {
    const auto i = static_cast<std::size_t>(r);
    if (k.ignorePosition[i]) p.position = 0;
    if (k.ignoreOrderBy[i]) {
        p.orderBy.reset();
        p.desc = false;
    }
    if (k.sizeCap > 0) p.size = std::min(p.size, k.sizeCap);
    return p;
}

bool withTotal(const ShapeKnobs& k, Resource r) {
    return !k.omitTotal[static_cast<std::size_t>(r)];
}

}  // namespace

std::vector<std::string> apiPathSegments(std::string_view path) {
    std::vector<std::string> out;
    if (path.rfind("/api", 0) != 0) return out;
    path.remove_prefix(4);
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > start) out.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

std::optional<int64_t> parseId(std::string_view text) {
    if (text.empty() || text.front() == '-') return std::nullopt;
    return parseInt64(text);
}

std::string pageEnvelope(const ResourceSchema& schema, const RecordView& view, DateTimeFormat f,
                         int64_t total, int64_t position, int64_t size,
                         const std::optional<std::string>& orderBy, bool desc,
                         const std::vector<RecordPtr>& items, bool withTotal) {
    std::string out;
    out.reserve(64 + items.size() * 1024);
    out.push_back('{');
    if (withTotal) {
        out.append("\"total\":");
        json::appendInt(out, total);
        out.push_back(',');
    }
    out.append("\"position\":");
    json::appendInt(out, position);
    out.append(",\"size\":");
    json::appendInt(out, size);
    if (orderBy) {
        out.append(",\"orderBy\":");
        json::appendString(out, *orderBy);
        out.append(",\"desc\":");
        json::appendBool(out, desc);
    }
    out.append(",\"items\":[");
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(',');
        appendRecordJson(out, schema, *items[i], view, f);
    }
    out.append("]}");
    return out;
}

void sortMembersByKey(std::vector<RecordPtr>& items) {
    const auto org = fieldIndex(Resource::Members, "org"),
               member = fieldIndex(Resource::Members, "member");
    std::sort(items.begin(), items.end(), [org, member](const RecordPtr& a, const RecordPtr& b) {
        const int c = compareValues(a->values[org], b->values[org]);
        return c != 0 ? c < 0 : compareValues(a->values[member], b->values[member]) < 0;
    });
}

SimResponse ApiHandlers::handle(const SimRequest& req) {
    const auto seg = apiPathSegments(req.path);
    if (req.path != "/api" && req.path.rfind("/api/", 0) != 0) return notFound("Unknown path");

    // /api/about is the one endpoint open without credentials.
    if (seg.size() == 1 && seg[0] == "about") {
        if (req.method != "GET") return methodNotAllowed();
        return about();
    }
    if (!basicAuthMatches(req.authorization, sim_.startup().user, sim_.startup().password)) {
        SimResponse r = errorResponse(401, "Authentication required");
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"InTouch\"");
        return r;
    }
    if (seg.empty()) return notFound("Unknown path");

    // Route first, then the method: an unknown path is 404 whatever the method.
    const std::string& head = seg[0];
    std::function<SimResponse()> route;
    if (head == "members" && seg.size() == 1) {
        route = [this, &req] { return members(req); };
    } else if (head == "lists" && seg.size() <= 2) {
        std::optional<std::string> id;
        if (seg.size() == 2) id = seg[1];
        route = [this, id] { return lists(id); };
    } else if (head == "files" && seg.size() == 1) {
        route = [this, &req] { return files(req, nullptr); };
    } else if (head == "files" && seg.size() == 2) {
        route = [this, &seg] { return single(Resource::Files, RecordView{}, seg[1]); };
    } else if (auto r = pagedResource(head)) {
        RecordView view;
        view.commentsNaming = head == "comments";
        const Resource res = *r;
        if (seg.size() == 1) {
            Simulator::Filter filter;
            if (res == Resource::Buscases) view.caseType = 0;
            route = [this, res, view, &req, filter] { return list(res, view, req, filter); };
        } else if (seg.size() == 2) {
            route = [this, res, view, &seg] { return single(res, view, seg[1]); };
        } else if (seg.size() == 3 && res == Resource::Parties &&
                   (seg[2] == "notes" || seg[2] == "comments" || seg[2] == "files")) {
            route = [this, &req, &seg]() -> SimResponse {
                auto partyId = parseId(seg[1]);
                if (!partyId || !sim_.find(Resource::Parties, *partyId))
                    return notFound("Record " + seg[1] + " of parties not found");
                const int64_t pid = *partyId;
                Simulator::Filter byParty = [pid](const Record& rec) {
                    const auto& type = rec.values[fieldIndex(Resource::Notes, "srcType")];
                    const auto& src = rec.values[fieldIndex(Resource::Notes, "srcId")];
                    return std::holds_alternative<std::string>(type) &&
                           std::get<std::string>(type) == "party" &&
                           std::holds_alternative<int64_t>(src) && std::get<int64_t>(src) == pid;
                };
                if (seg[2] == "files") {
                    Simulator::Filter byFileParty = [pid](const Record& rec) {
                        const auto& type = rec.values[fieldIndex(Resource::Files, "srcType")];
                        const auto& src = rec.values[fieldIndex(Resource::Files, "srcId")];
                        return std::holds_alternative<std::string>(type) &&
                               std::get<std::string>(type) == "party" &&
                               std::holds_alternative<int64_t>(src) &&
                               std::get<int64_t>(src) == pid;
                    };
                    return files(req, byFileParty);
                }
                RecordView v;
                v.commentsNaming = seg[2] == "comments";
                return list(Resource::Notes, v, req, byParty);
            };
        }
    }
    if (!route) return notFound("Unknown path");
    // A version that does not know the endpoint answers like any unknown path.
    const SimCrmVersion version = sim_.runtime().crmVersion;
    if (!servesEndpoint(version, head) ||
        (seg.size() == 3 && head == "parties" && !servesEndpoint(version, seg[2])))
        return notFound("Unknown path");
    // Rights are per resource, so a user without them is refused a record as well as the list.
    if (auto r = resourceFromName(head);
        r && sim_.runtime().forbidden[static_cast<std::size_t>(*r)])
        return errorResponse(403, "User '" + sim_.startup().user + "' has no right to read " +
                                      head + " (missing role)");
    if (req.method != "GET") return methodNotAllowed();
    return route();
}

SimResponse ApiHandlers::about() {
    const bool maintenance = sim_.runtime().maintenance;
    JsonBuilder j;
    j.beginObject();
    j.key("crmId").str(sim_.startup().crmId);
    j.key("mode").num(maintenance ? 5 : 100);
    j.key("name").str("Simulovaná firma s.r.o.");
    j.key("country").str("CZ");
    j.key("language").str("cs");
    j.key("timeZone").str(sim_.startup().timezone);
    j.key("version").beginArray();
    for (int part : aboutVersion(sim_.runtime().crmVersion)) j.num(part);
    j.endArray();
    j.endObject();
    return jsonResponse(j.take());
}

SimResponse ApiHandlers::list(Resource r, RecordView view, const SimRequest& req,
                              Simulator::Filter filter) {
    auto parsed = parsePagingRequest(req.query);
    if (auto* p = std::get_if<ParamProblem>(&parsed)) return badRequest(*p);
    const ShapeKnobs knobs = sim_.runtime().shape;
    const PagingRequest paging = shaped(knobs, r, std::get<PagingRequest>(parsed));
    const ResourceSchema& schema = schemaFor(r);

    std::vector<Simulator::Filter> filters;
    if (filter) filters.push_back(filter);
    if (r == Resource::Buscases) {
        if (const auto* v = findParam(req.query, "caseType")) {
            auto ct = parseInt64(*v);
            if (!ct || *ct < 0)
                return badRequest(
                    {"caseType", "caseType must be a non-negative integer, got '" + *v + "'"});
            view.caseType = static_cast<int>(std::min<int64_t>(*ct, 1'000'000));
            if (*ct > 0) {
                const int64_t wanted = *ct;
                const auto idx = fieldIndex(r, "caseType");
                filters.push_back([wanted, idx](const Record& rec) {
                    return std::holds_alternative<int64_t>(rec.values[idx]) &&
                           std::get<int64_t>(rec.values[idx]) == wanted;
                });
            }
        }
    }
    if (r == Resource::Notes) {
        if (const auto* v = findParam(req.query, "srcType")) {
            const std::string wanted = *v;
            const auto idx = fieldIndex(r, "srcType");
            filters.push_back([wanted, idx](const Record& rec) {
                return std::holds_alternative<std::string>(rec.values[idx]) &&
                       std::get<std::string>(rec.values[idx]) == wanted;
            });
        }
        if (const auto* v = findParam(req.query, "srcId")) {
            auto id = parseInt64(*v);
            if (!id) return badRequest({"srcId", "srcId must be an integer, got '" + *v + "'"});
            const int64_t wanted = *id;
            const auto idx = fieldIndex(r, "srcId");
            filters.push_back([wanted, idx](const Record& rec) {
                return std::holds_alternative<int64_t>(rec.values[idx]) &&
                       std::get<int64_t>(rec.values[idx]) == wanted;
            });
        }
    }

    auto sort = sortFor(schema, view, paging);
    if (auto* p = std::get_if<ParamProblem>(&sort)) return badRequest(*p);

    Simulator::ListRequest lr;
    lr.resource = r;
    if (!filters.empty()) {
        lr.filter = [filters](const Record& rec) {
            return std::all_of(filters.begin(), filters.end(),
                               [&rec](const auto& f) { return f(rec); });
        };
    }
    lr.sort = std::get<SortSpec>(sort);
    lr.position = paging.position;
    lr.size = paging.size;
    const auto result = sim_.list(lr);
    return jsonResponse(pageEnvelope(schema, view, sim_.format(), result.total + knobs.totalExcess,
                                     paging.position,
                                     paging.size, paging.orderBy, paging.desc, result.items,
                                     withTotal(knobs, r)));
}

SimResponse ApiHandlers::single(Resource r, const RecordView& view, std::string_view idText) {
    auto id = parseId(idText);
    RecordPtr rec = id ? sim_.find(r, *id) : nullptr;
    if (!rec)
        return notFound("Record " + std::string(idText) + " of " + std::string(resourceName(r)) +
                        " not found");
    return jsonResponse(recordJson(schemaFor(r), *rec, view, sim_.format()));
}

SimResponse ApiHandlers::files(const SimRequest& req, Simulator::Filter filter) {
    const ShapeKnobs knobs = sim_.runtime().shape;
    auto parsed = parseFilesRequest(req.query);
    if (auto* p = std::get_if<ParamProblem>(&parsed)) return badRequest(*p);
    PagingRequest paging = std::get<PagingRequest>(parsed);
    if (knobs.pageMembersFiles) {
        // Paged like every list, but keeping the files defaults (modified, descending).
        auto withPaging = parsePagingRequest(req.query);
        if (auto* p = std::get_if<ParamProblem>(&withPaging)) return badRequest(*p);
        paging.position = std::get<PagingRequest>(withPaging).position;
        paging.size = std::get<PagingRequest>(withPaging).size;
        paging = shaped(knobs, Resource::Files, paging);
    } else if (knobs.ignoreOrderBy[static_cast<std::size_t>(Resource::Files)]) {
        paging.orderBy.reset();
        paging.desc = false;
    }
    const ResourceSchema& schema = schemaFor(Resource::Files);
    auto sort = sortFor(schema, RecordView{}, paging);
    if (auto* p = std::get_if<ParamProblem>(&sort)) return badRequest(*p);
    Simulator::ListRequest lr;
    lr.resource = Resource::Files;
    lr.filter = std::move(filter);
    lr.sort = std::get<SortSpec>(sort);
    if (knobs.pageMembersFiles) {
        lr.position = paging.position;
        lr.size = paging.size;
    }
    const auto result = sim_.list(lr);
    const int64_t position = knobs.pageMembersFiles ? paging.position : 0;
    const int64_t size = knobs.pageMembersFiles ? paging.size : result.total;
    return jsonResponse(pageEnvelope(schema, RecordView{}, sim_.format(),
                                     result.total + knobs.totalExcess, position,
                                     size, paging.orderBy, paging.desc, result.items,
                                     withTotal(knobs, Resource::Files)));
}

SimResponse ApiHandlers::members(const SimRequest& req) {
    const ShapeKnobs knobs = sim_.runtime().shape;
    Simulator::ListRequest lr;
    lr.resource = Resource::Members;
    auto result = sim_.list(lr);
    sortMembersByKey(result.items);
    int64_t position = 0, size = result.total;
    if (knobs.pageMembersFiles) {
        // Paged like every list; members have one order only, so orderBy/desc are ignored.
        auto parsed = parsePagingRequest(req.query);
        if (auto* p = std::get_if<ParamProblem>(&parsed)) return badRequest(*p);
        const PagingRequest paging = shaped(knobs, Resource::Members, std::get<PagingRequest>(parsed));
        position = paging.position;
        size = paging.size;
        const auto n = static_cast<int64_t>(result.items.size());
        const int64_t from = std::min(position, n), to = std::min(n, from + size);
        result.items = std::vector<RecordPtr>(result.items.begin() + from, result.items.begin() + to);
    }
    return jsonResponse(pageEnvelope(schemaFor(Resource::Members), RecordView{}, sim_.format(),
                                     result.total + knobs.totalExcess, position, size, std::nullopt, false,
                                     result.items, withTotal(knobs, Resource::Members)));
}

SimResponse ApiHandlers::lists(const std::optional<std::string>& id) {
    const auto& all = codeLists();
    if (id && sim_.runtime().shape.listVanished(*id))
        return notFound("List '" + *id + "' not found");
    if (id) {
        for (const auto& l : all)
            if (l.id == *id) return jsonResponse(l.json);
        return notFound("List '" + *id + "' not found");
    }
    const bool withoutItems = sim_.runtime().shape.listsWithoutItems;
    std::string out = "[";
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (i) out.push_back(',');
        if (withoutItems) {
            // The 6.2 reading: the array names the lists; their items come one list at a time.
            const std::string& j = all[i].json;
            out.append(j, 0, j.find(",\"items\":"));
            out.push_back('}');
        } else {
            out.append(all[i].json);
        }
    }
    out.push_back(']');
    return jsonResponse(std::move(out));
}

}  // namespace intouch::sim
