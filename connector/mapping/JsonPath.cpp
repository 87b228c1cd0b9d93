#include "mapping/JsonPath.hpp"

namespace intouch {

namespace {

class Parser {
  public:
    explicit Parser(std::string_view t) : t_(t) {}

    std::vector<PathStep> parse() {
        std::vector<PathStep> steps;
        if (t_.empty()) throw PathSyntaxError(0, "empty path");
        if (t_[0] == '$') {
            p_ = 1;
            if (p_ < t_.size() && t_[p_] != '.' && t_[p_] != '[')
                throw PathSyntaxError(p_, "expected '.' or '[' after '$'");
            if (p_ < t_.size() && t_[p_] == '.') {
                ++p_;
                steps.push_back(keyStep());
            }
        } else {
            steps.push_back(keyStep());
        }
        while (p_ < t_.size()) {
            const char c = t_[p_];
            if (c == '.') {
                ++p_;
                steps.push_back(keyStep());
            } else if (c == '[') {
                steps.push_back(bracketStep());
            } else {
                throw PathSyntaxError(p_, std::string("unexpected '") + c + "'");
            }
        }
        return steps;
    }

  private:
    PathStep keyStep() {
        PathStep s;
        s.kind = PathStep::Kind::Key;
        if (p_ < t_.size() && t_[p_] == '"') {
            s.key = quoted();
            return s;
        }
        const std::size_t start = p_;
        while (p_ < t_.size() && t_[p_] != '.' && t_[p_] != '[' && t_[p_] != ']' && t_[p_] != '"')
            ++p_;
        if (p_ == start) {
            if (p_ >= t_.size())
                throw PathSyntaxError(p_, "path ends where a field name is expected");
            throw PathSyntaxError(p_, std::string("expected a field name before '") + t_[p_] + "'");
        }
        s.key = std::string(t_.substr(start, p_ - start));
        return s;
    }

    std::string quoted() {
        const std::size_t open = p_++;
        std::string out;
        while (p_ < t_.size() && t_[p_] != '"') {
            if (t_[p_] == '\\' && p_ + 1 < t_.size()) ++p_;
            out += t_[p_++];
        }
        if (p_ >= t_.size()) throw PathSyntaxError(open, "unterminated quoted name");
        ++p_;
        return out;
    }

    PathStep bracketStep() {
        const std::size_t open = p_++;
        PathStep s;
        if (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') {
            std::size_t v = 0;
            while (p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9') {
                if (v > 100000000) throw PathSyntaxError(open, "array index too large");
                v = v * 10 + static_cast<std::size_t>(t_[p_++] - '0');
            }
            if (p_ >= t_.size() || t_[p_] != ']')
                throw PathSyntaxError(p_, "expected ']' after the array index");
            ++p_;
            s.kind = PathStep::Kind::Index;
            s.index = v;
            return s;
        }
        s.kind = PathStep::Kind::Filter;
        if (p_ < t_.size() && t_[p_] == '"') {
            s.key = quoted();
        } else {
            const std::size_t start = p_;
            while (p_ < t_.size() && t_[p_] != '=' && t_[p_] != ']' && t_[p_] != '[') ++p_;
            s.key = std::string(t_.substr(start, p_ - start));
        }
        if (p_ >= t_.size()) throw PathSyntaxError(open, "unterminated '['");
        if (t_[p_] != '=' || s.key.empty())
            throw PathSyntaxError(open, "expected [number] or [field=value] inside brackets");
        ++p_;
        if (p_ < t_.size() && t_[p_] == '"') {
            s.filterValue = quoted();
        } else {
            const std::size_t start = p_;
            while (p_ < t_.size() && t_[p_] != ']') ++p_;
            s.filterValue = std::string(t_.substr(start, p_ - start));
            if (s.filterValue.empty())
                throw PathSyntaxError(
                    start, "empty filter value (write [field=\"\"] to match an empty string)");
        }
        if (p_ >= t_.size() || t_[p_] != ']') throw PathSyntaxError(open, "unterminated '['");
        ++p_;
        return s;
    }

    std::string_view t_;
    std::size_t p_ = 0;
};

}  // namespace

JsonPath JsonPath::parse(std::string_view text) {
    JsonPath p;
    p.text_ = std::string(text);
    p.steps_ = Parser(text).parse();
    return p;
}

bool filterMatches(const json::Value& element, const PathStep& step) {
    const json::Value* f = element.find(step.key);
    if (!f) return false;
    switch (f->type()) {
        case json::Type::String:
            return f->asString() == step.filterValue;
        case json::Type::Number:
            return f->numberText() == step.filterValue;
        case json::Type::Bool:
            return (f->asBool() ? "true" : "false") == step.filterValue;
        default:
            return false;
    }
}

std::optional<std::string> scalarText(const json::Value& v) {
    switch (v.type()) {
        case json::Type::String:
            return v.asString();
        case json::Type::Number:
            return v.numberText();
        case json::Type::Bool:
            return std::string(v.asBool() ? "true" : "false");
        default:
            return std::nullopt;
    }
}

bool JsonPath::resolve(const json::Value& root, std::vector<ResolvedStep>& out) const {
    out.clear();
    const json::Value* cur = &root;
    for (const auto& s : steps_) {
        if (cur->isNull()) return true;
        switch (s.kind) {
            case PathStep::Kind::Key: {
                const json::Value* next = cur->find(s.key);
                if (!next) return false;
                out.push_back({false, s.key, 0});
                cur = next;
                break;
            }
            case PathStep::Kind::Index: {
                if (!cur->isArray() || s.index >= cur->items().size()) return false;
                out.push_back({true, "", s.index});
                cur = &cur->items()[s.index];
                break;
            }
            case PathStep::Kind::Filter: {
                if (!cur->isArray()) return false;
                const auto& items = cur->items();
                std::size_t i = 0;
                while (i < items.size() && !filterMatches(items[i], s)) ++i;
                if (i == items.size()) return false;
                out.push_back({true, "", i});
                cur = &items[i];
                break;
            }
        }
    }
    return true;
}

const json::Value* JsonPath::find(const json::Value& root) const {
    const json::Value* cur = &root;
    for (const auto& s : steps_) {
        switch (s.kind) {
            case PathStep::Kind::Key:
                cur = cur->find(s.key);
                if (!cur) return nullptr;
                break;
            case PathStep::Kind::Index:
                if (!cur->isArray() || s.index >= cur->items().size()) return nullptr;
                cur = &cur->items()[s.index];
                break;
            case PathStep::Kind::Filter: {
                if (!cur->isArray()) return nullptr;
                const json::Value* hit = nullptr;
                for (const auto& item : cur->items())
                    if (filterMatches(item, s)) {
                        hit = &item;
                        break;
                    }
                if (!hit) return nullptr;
                cur = hit;
                break;
            }
        }
    }
    return cur;
}

}  // namespace intouch
