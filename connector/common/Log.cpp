#include "common/Log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
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
};

State& state() {
    static State s;
    return s;
}

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

std::string redactLocked(const State& s, std::string text) {
    for (const auto& secret : s.secrets) {
        for (std::size_t p = text.find(secret); p != std::string::npos;
             p = text.find(secret, p + 3))
            text.replace(p, secret.size(), "***");
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
    // Very short secrets would mask ordinary words in every line; they are still
    // kept out of logs because no code logs credentials in the first place.
    if (secret.size() < 3) return;
    std::lock_guard lock(state().mutex);
    state().secrets.push_back(secret);
}

std::string redact(std::string text) {
    std::lock_guard lock(state().mutex);
    return redactLocked(state(), std::move(text));
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (level < s.level) return;
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
        line = timestamp() + " " + levelName(level) + " " + std::string(message);
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
    line = redactLocked(s, std::move(line));
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace intouch::log
