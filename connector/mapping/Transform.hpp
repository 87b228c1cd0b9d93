#pragma once
// String clean-ups a column may ask for before its value is converted.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Json.hpp"

namespace intouch {

enum class TransformKind { Trim, Lower, Upper, EmptyToNull };

std::optional<TransformKind> parseTransform(std::string_view name);
const char* transformName(TransformKind kind);
const std::vector<std::string>& transformNames();

// Changes strings only; every other JSON value passes through unchanged, so
// `trim` on a column that sometimes holds a number is harmless.
void applyTransform(TransformKind kind, json::Value& value);

}  // namespace intouch
