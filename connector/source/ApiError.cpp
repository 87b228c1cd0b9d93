#include "source/ApiError.hpp"

#include "common/Utf8Text.hpp"

#include "common/Json.hpp"

namespace intouch {

std::vector<ApiProblem> parseApiProblems(const std::string& body) {
    std::vector<ApiProblem> out;
    json::Value doc;
    try {
        doc = json::parse(body);
    } catch (const json::ParseError&) {
        return out;
    }
    const json::Value* problems = doc.find("problems");
    if (!problems || !problems->isArray()) return out;
    for (const auto& p : problems->items()) {
        ApiProblem problem;
        auto text = [&](const char* key) -> std::string {
            const json::Value* v = p.find(key);
            if (!v || v->isNull()) return {};
            return v->isString() ? v->asString() : v->toJson();
        };
        problem.level = text("level");
        problem.field = text("field");
        problem.message = text("message");
        out.push_back(std::move(problem));
    }
    return out;
}

namespace {
// Keeps error messages one line and short even when a proxy answers with a page of HTML.
std::string excerpt(const std::string& body) {
    std::string out;
    bool space = false;
    for (char c : body) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
        if (out.size() > 1000) break;
    }
    // An error page may be windows-1250, or cut here inside a character: the message
    // goes to PostgreSQL (sync_runs.error), which refuses invalid UTF-8.
    return text::cutUtf8(out, 203);
}
}  // namespace

std::string describeHttpFailure(const std::string& request, const HttpResponse& response) {
    std::string msg = request + ": HTTP " + std::to_string(response.status);
    if (!response.reason.empty()) msg += " " + response.reason;
    auto problems = parseApiProblems(response.body);
    if (!problems.empty()) {
        msg += ":";
        bool first = true;
        for (const auto& p : problems) {
            msg += first ? " " : "; ";
            first = false;
            msg += p.level.empty() ? "SEVERE" : p.level;
            if (!p.field.empty()) msg += " " + p.field;
            msg += ": " + p.message;
        }
    } else if (!response.body.empty()) {
        msg += ": " + excerpt(response.body);
    } else {
        msg += " (empty body)";
    }
    return text::validUtf8(msg);
}

}  // namespace intouch
