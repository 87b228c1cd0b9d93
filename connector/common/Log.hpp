#pragma once
// Process-wide structured logging. Lines go to stderr, as text for people or as
// one JSON object per line for log shippers. Every registered secret is masked
// in every line, whatever code produced it, so a password can never leak
// through an error message that happened to quote it.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace intouch::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };
enum class Format { Text, Json };

using Field = std::pair<std::string_view, std::string>;

void setLevel(Level level);
void setFormat(Format format);
bool enabled(Level level);
Level parseLevel(const std::string& name);  // throws ConfigError

// Registers a value that must never appear in output (passwords, auth headers).
void addSecret(const std::string& secret);
// Masks every registered secret in text.
std::string redact(std::string text);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Error, m, f); }

}  // namespace intouch::log
