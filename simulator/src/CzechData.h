#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace intouch::sim::czech {

// Word pools for realistic Czech CRM data: diacritics everywhere, so the connector's UTF-8
// handling is exercised by ordinary records, not only by special cases.

struct Surname {
    std::string_view male;
    std::string_view female;
};
struct City {
    std::string_view name;
    std::string_view country;  // ISO code, also the `countries` list item name
    std::string_view region;   // adrState
};
struct Country {
    std::string_view code;
    std::string_view name;
};
struct Category {
    std::string_view code;
    std::string_view name;
};

const std::vector<std::string_view>& maleFirstNames();
const std::vector<std::string_view>& femaleFirstNames();
const std::vector<Surname>& surnames();
const std::vector<std::string_view>& companyStems();
const std::vector<std::string_view>& companySuffixes();
const std::vector<City>& cities();
const std::vector<Country>& countries();
const std::vector<std::string_view>& streets();
const std::vector<std::string_view>& users();
const std::vector<std::string_view>& groups();
const std::vector<Category>& categories();  // c1..c64
const std::vector<std::string_view>& productWords();
const std::vector<std::string_view>& commSubjects();

// Best-effort removal of Czech/Slovak diacritics for e-mail addresses and web domains.
std::string asciiFold(std::string_view utf8);

}  // namespace intouch::sim::czech
