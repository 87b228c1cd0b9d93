#include "PagingRequest.h"

namespace intouch::sim {

namespace {

std::optional<ParamProblem> parseSort(const QueryParams& q, PagingRequest& out) {
    if (const auto* v = findParam(q, "orderBy")) {
        if (v->empty()) return ParamProblem{"orderBy", "orderBy must name a field"};
        out.orderBy = *v;
    }
    if (const auto* v = findParam(q, "desc")) {
        auto b = parseBool(*v, false);
        if (!b) return ParamProblem{"desc", "desc must be true or false, got '" + *v + "'"};
        out.desc = *b;
    }
    return std::nullopt;
}

}  // namespace

std::variant<PagingRequest, ParamProblem> parsePagingRequest(const QueryParams& q) {
    PagingRequest r;
    if (const auto* v = findParam(q, "position")) {
        auto n = parseInt64(*v);
        if (!n) return ParamProblem{"position", "position must be an integer, got '" + *v + "'"};
        if (*n < 0) return ParamProblem{"position", "position must not be negative"};
        r.position = *n;
    }
    if (const auto* v = findParam(q, "size")) {
        auto n = parseInt64(*v);
        if (!n) return ParamProblem{"size", "size must be an integer, got '" + *v + "'"};
        if (*n < 1 || *n > kMaxPageSize)
            return ParamProblem{"size",
                                "size must be between 1 and " + std::to_string(kMaxPageSize)};
        r.size = *n;
    }
    if (auto p = parseSort(q, r)) return *p;
    return r;
}

std::variant<PagingRequest, ParamProblem> parseFilesRequest(const QueryParams& q) {
    PagingRequest r;
    r.orderBy = "modified";
    r.desc = true;
    if (auto p = parseSort(q, r)) return *p;
    return r;
}

}  // namespace intouch::sim
