#pragma once
// The record_hash intouch-sync stores for a record of a shipped mapping, computed
// independently from the simulator's dump: hex MD5 of the record's compact JSON after the
// mapping's personal-data rules (pii: exclude/hash, under kTestPiiKey, the key every test
// config sets). Tests compare it with the table's record_hash to prove each record is at the
// same version.

#include <string>

#include "common/Json.hpp"

namespace intouch::testsupport {

// pii.key in the configs the test worlds write.
inline constexpr const char* kTestPiiKey = "intouch-sync test pii key";

std::string expectedRecordHash(const std::string& stream, const json::Value& record);

}  // namespace intouch::testsupport
