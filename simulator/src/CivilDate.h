#pragma once

#include <cstdint>
#include <string>

namespace intouch::sim {

// Proleptic Gregorian calendar arithmetic on days since 1970-01-01, independent of time
// zones: plain dates (birthday, planContact...) have no zone in the API.
int64_t daysFromCivil(int year, unsigned month, unsigned day);

struct CivilDay {
    int year;
    unsigned month;
    unsigned day;
};
CivilDay civilFromDays(int64_t days);

// "YYYY-MM-DD"
std::string formatDate(int64_t days);

}  // namespace intouch::sim
