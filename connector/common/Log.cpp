#include "common/Log.hpp"
#include "common/LogContext.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <mutex>
#include <vector>

#include "common/Errors.hpp"
#include "common/Json.hpp"

namespace intouch::log {
namespace {

struct State {
    std::mutex mutex;
    Level level = Level::Info;
    Format format = Format::Text;
    std::vector<std::string> secrets;
    std::vector<std::pair<std::string, std::string>> context;  // LogContext.hpp
};

State& state() {
    static State s;
    return s;
}

thread_local std::vector<std::pair<std::string, std::string>> t_context;  // ThreadContext

const char* levelName(Level l) {
    switch (l) {
        case Level::Debug: return "DEBUG";
        case Level::Info: return "INFO";
        case Level::Warn: return "WARN";
        case Level::Error: return "ERROR";
    }
    return "?";
}

std::string timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

// Secrets this long are masked wherever they appear. A shorter one (a 1-3 character
// password) would mask ordinary words in every line, so it is masked where a credential
// stands: a whole value, after password= / password=' / "password":", and between : and @
// of a URL's user info.
constexpr std::size_t kMaskAnywhere = 4;

bool credentialBefore(const std::string& text, std::size_t p) {
    const std::string_view left(text.data(), p);
    for (std::string_view key : {"password=", "password='", "password = ", "password='",
                                 "\"password\":\"", "password: ", "PGPASSWORD="})
        if (left.size() >= key.size() && left.substr(left.size() - key.size()) == key) return true;
    return false;
}

bool credentialAfter(const std::string& text, std::size_t end) {
    if (end >= text.size()) return true;
    const char c = text[end];
    return c == ' ' || c == '\'' || c == '"' || c == '&' || c == ';' || c == ',' || c == ')' ||
           c == '\n' || c == '\r' || c == '\t' || c == '@' || c == '\\';
}

bool inUserInfo(const std::string& text, std::size_t p, std::size_t end) {
    if (p == 0 || text[p - 1] != ':' || end >= text.size() || text[end] != '@') return false;
    const std::size_t tokenStart = text.find_last_of(" \t\"'", p - 1);
    const std::size_t scheme = text.rfind("://", p - 1);
    return scheme != std::string::npos && (tokenStart == std::string::npos || scheme > tokenStart);
}

std::string redactLocked(const State& s, std::string text) {
    for (const auto& secret : s.secrets) {
        if (text == secret) return "***";
        const bool anywhere = secret.size() >= kMaskAnywhere;
        for (std::size_t p = text.find(secret); p != std::string::npos; p = text.find(secret, p)) {
            const std::size_t end = p + secret.size();
            if (anywhere || ((credentialBefore(text, p) && credentialAfter(text, end)) ||
                             inUserInfo(text, p, end))) {
                text.replace(p, secret.size(), "***");
                p += 3;
            } else {
                p += 1;
            }
        }
    }
    return text;
}

bool needsQuoting(std::string_view v) {
    if (v.empty()) return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

}  // namespace

void setLevel(Level level) {
    std::lock_guard lock(state().mutex);
    state().level = level;
}

void setFormat(Format format) {
    std::lock_guard lock(state().mutex);
    state().format = format;
}

bool enabled(Level level) {
    std::lock_guard lock(state().mutex);
    return level >= state().level;
}

Level parseLevel(const std::string& name) {
    if (name == "debug") return Level::Debug;
    if (name == "info") return Level::Info;
    if (name == "warn" || name == "warning") return Level::Warn;
    if (name == "error") return Level::Error;
    throw ConfigError("unknown log level '" + name + "' (use debug, info, warn or error)");
}

void addSecret(const std::string& secret) {
    if (secret.empty()) return;
    // The JSON-escaped form too: a message may quote a JSON body, and a "json" log line
    // escapes the secret before the line is masked again as a whole.
    std::string escaped;
    json::appendQuoted(escaped, secret);
    escaped = escaped.substr(1, escaped.size() - 2);
    std::lock_guard lock(state().mutex);
    auto& all = state().secrets;
    for (const std::string& form : {secret, escaped}) {
        bool known = false;
        for (const auto& s : all) known = known || s == form;
        if (!known) all.push_back(form);
    }
    // Longest first: a secret containing another is masked whole.
    std::stable_sort(all.begin(), all.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string text) {
    std::lock_guard lock(state().mutex);
    return redactLocked(state(), std::move(text));
}

void addContext(const std::string& key, const std::string& value) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.context.emplace_back(key, value);
}

ThreadContext::ThreadContext(const std::string& key, const std::string& value) {
    t_context.emplace_back(key, value);
}

ThreadContext::~ThreadContext() { t_context.pop_back(); }

void write(Level level, std::string_view rawMessage, std::initializer_list<Field> rawFields) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (level < s.level) return;
    // Masked before escaping: escaping turns " and \ in a secret into \" and \\, which the
    // raw secret no longer matches.
    const std::string message = redactLocked(s, std::string(rawMessage));
    std::vector<std::pair<std::string_view, std::string>> fields;
    fields.reserve(s.context.size() + t_context.size() + rawFields.size());
    for (const auto& [k, v] : s.context) fields.emplace_back(k, redactLocked(s, v));
    for (const auto& [k, v] : t_context) {
        bool own = false;
        for (const auto& raw : rawFields) own = own || raw.first == k;
        if (!own) fields.emplace_back(k, redactLocked(s, v));
    }
    for (const auto& [k, v] : rawFields) fields.emplace_back(k, redactLocked(s, v));
    std::string line;
    if (s.format == Format::Json) {
        line = "{\"ts\":\"" + timestamp() + "\",\"level\":\"" + levelName(level) + "\",\"msg\":";
        json::appendQuoted(line, message);
        for (const auto& [k, v] : fields) {
            line.push_back(',');
            json::appendQuoted(line, k);
            line.push_back(':');
            json::appendQuoted(line, v);
        }
        line += "}";
    } else {
        line = timestamp() + " " + levelName(level) + " " + message;
        for (const auto& [k, v] : fields) {
            line += " ";
            line += k;
            line += "=";
            if (needsQuoting(v)) {
                json::appendQuoted(line, v);
            } else {
                line += v;
            }
        }
    }
    // And once more after: the escaped forms are registered too.
    line = redactLocked(s, std::move(line));
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace intouch::log
