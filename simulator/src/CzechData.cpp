#include "CzechData.h"

#include <cctype>
#include <utility>

namespace intouch::sim::czech {

const std::vector<std::string_view>& maleFirstNames() {
    static const std::vector<std::string_view> v{
        "Jan",      "Petr",     "Jiří",    "Josef",  "Pavel",  "Martin",    "Tomáš",
        "Jaroslav", "Miroslav", "Zdeněk",  "Václav", "Michal", "František", "Jakub",
        "Lukáš",    "Ondřej",   "Vojtěch", "Matěj",  "Štěpán", "Radek",     "Bořivoj"};
    return v;
}

const std::vector<std::string_view>& femaleFirstNames() {
    static const std::vector<std::string_view> v{
        "Jana",    "Marie",   "Eva",   "Hana",   "Anna",   "Lenka",    "Kateřina",
        "Věra",    "Lucie",   "Alena", "Petra",  "Jitka",  "Zuzana",   "Tereza",
        "Barbora", "Markéta", "Šárka", "Božena", "Dagmar", "Veronika", "Žofie"};
    return v;
}

const std::vector<Surname>& surnames() {
    static const std::vector<Surname> v{
        {"Novák", "Nováková"},      {"Svoboda", "Svobodová"},    {"Novotný", "Novotná"},
        {"Dvořák", "Dvořáková"},    {"Černý", "Černá"},          {"Procházka", "Procházková"},
        {"Kučera", "Kučerová"},     {"Veselý", "Veselá"},        {"Horák", "Horáková"},
        {"Němec", "Němcová"},       {"Marek", "Marková"},        {"Pospíšil", "Pospíšilová"},
        {"Hájek", "Hájková"},       {"Jelínek", "Jelínková"},    {"Král", "Králová"},
        {"Růžička", "Růžičková"},   {"Beneš", "Benešová"},       {"Fiala", "Fialová"},
        {"Sedláček", "Sedláčková"}, {"Doležal", "Doležalová"},   {"Zeman", "Zemanová"},
        {"Kolář", "Kolářová"},      {"Navrátil", "Navrátilová"}, {"Čermák", "Čermáková"},
        {"Šťastný", "Šťastná"},     {"Žák", "Žáková"},           {"Úlehla", "Úlehlová"},
        {"Řezníček", "Řezníčková"}, {"Kříž", "Křížová"},         {"Ševčík", "Ševčíková"},
        {"O'Brien", "O'Brien"},     {"Müller", "Müllerová"}};
    return v;
}

const std::vector<std::string_view>& companyStems() {
    static const std::vector<std::string_view> v{
        "Dvořák a syn",     "Stavby Žižkov",       "Pekárna U Šťastných", "Elektro Ústí",
        "Zámečnictví Kříž", "Agro Morava",         "Vinařství Mikulov",   "Tiskárna \"Na Rohu\"",
        "Software Brno",    "Účetnictví Řezníček", "Česká obchodní",      "Moravská strojírna",
        "Pivovar Třeboň",   "Šroubárna Žďár",      "Autodoprava Čermák",  "Ořechov & partneři",
        "Kovo <Plus>",      "Lesy Šumava",         "Zahradnictví Růže",   "Sklárna Nový Bor"};
    return v;
}

const std::vector<std::string_view>& companySuffixes() {
    static const std::vector<std::string_view> v{" s.r.o.", " a.s.", ", v.o.s.", " spol. s r.o.",
                                                 ""};
    return v;
}

const std::vector<City>& cities() {
    static const std::vector<City> v{{"Praha 3 - Žižkov", "CZ", "Hlavní město Praha"},
                                     {"Praha 1", "CZ", "Hlavní město Praha"},
                                     {"Brno", "CZ", "Jihomoravský kraj"},
                                     {"Ostrava", "CZ", "Moravskoslezský kraj"},
                                     {"Plzeň", "CZ", "Plzeňský kraj"},
                                     {"Ústí nad Labem", "CZ", "Ústecký kraj"},
                                     {"České Budějovice", "CZ", "Jihočeský kraj"},
                                     {"Hradec Králové", "CZ", "Královéhradecký kraj"},
                                     {"Olomouc", "CZ", "Olomoucký kraj"},
                                     {"Liberec", "CZ", "Liberecký kraj"},
                                     {"Pardubice", "CZ", "Pardubický kraj"},
                                     {"Zlín", "CZ", "Zlínský kraj"},
                                     {"Jihlava", "CZ", "Kraj Vysočina"},
                                     {"Karlovy Vary", "CZ", "Karlovarský kraj"},
                                     {"Kladno", "CZ", "Středočeský kraj"},
                                     {"Žďár nad Sázavou", "CZ", "Kraj Vysočina"},
                                     {"Třeboň", "CZ", "Jihočeský kraj"},
                                     {"Kroměříž", "CZ", "Zlínský kraj"},
                                     {"Říčany", "CZ", "Středočeský kraj"},
                                     {"Čáslav", "CZ", "Středočeský kraj"},
                                     {"Bratislava", "SK", "Bratislavský kraj"},
                                     {"Košice", "SK", "Košický kraj"},
                                     {"Žilina", "SK", "Žilinský kraj"},
                                     {"Wien", "AT", "Wien"},
                                     {"Dresden", "DE", "Sachsen"},
                                     {"Wrocław", "PL", "Dolnośląskie"},
                                     {"Győr", "HU", "Győr-Moson-Sopron"}};
    return v;
}

const std::vector<Country>& countries() {
    static const std::vector<Country> v{{"CZ", "Česká republika"}, {"SK", "Slovenská republika"},
                                        {"AT", "Rakousko"},        {"DE", "Německo"},
                                        {"PL", "Polsko"},          {"HU", "Maďarsko"}};
    return v;
}

const std::vector<std::string_view>& streets() {
    static const std::vector<std::string_view> v{"Vinohradská 1511/230",
                                                 "Husova 12",
                                                 "Náměstí Míru 5",
                                                 "Žerotínova 1833/56",
                                                 "Dlouhá 7",
                                                 "Štefánikova 48",
                                                 "Ke Karlovu 2027/3",
                                                 "třída Tomáše Bati 5335",
                                                 "U Průhonu 1589/13",
                                                 "Úvoz 59",
                                                 "Křižíkova 148/34",
                                                 "Purkyňova 2845/101"};
    return v;
}

const std::vector<std::string_view>& users() {
    static const std::vector<std::string_view> v{"novak",     "svobodova", "dvorak.j", "admin",
                                                 "sestakova", "api",       "reznicek"};
    return v;
}

const std::vector<std::string_view>& groups() {
    static const std::vector<std::string_view> v{"Obchod", "Podpora", "Vedení", "Účtárna"};
    return v;
}

const std::vector<Category>& categories() {
    static const std::vector<Category> v = [] {
        static const std::vector<std::string_view> names{
            "VIP zákazník",  "Dodavatel", "Odběratel",  "Partner",      "Konkurence",
            "Státní správa", "Neplatič",  "Newsletter", "Veletrh Brno", "Doporučení"};
        static std::vector<std::string> codes, labels;
        std::vector<Category> out;
        codes.reserve(64);
        labels.reserve(64);
        for (int i = 1; i <= 64; ++i) {
            // Appending, not `"c" + std::to_string(i)`: g++ 12 at -O3 reports a false
            // -Wrestrict in the inlined prepend (GCC bug 105329).
            codes.push_back(std::string("c").append(std::to_string(i)));
            const auto& base = names[static_cast<std::size_t>(i - 1) % names.size()];
            labels.push_back(i <= 10 ? std::string(base)
                                     : std::string(base) + " " + std::to_string(i));
        }
        for (std::size_t i = 0; i < 64; ++i) out.push_back({codes[i], labels[i]});
        return out;
    }();
    return v;
}

const std::vector<std::string_view>& productWords() {
    static const std::vector<std::string_view> v{
        "Šroub M8",   "Matice M8",      "Kabel CYKY 3×2,5", "Žárovka LED 9 W", "Čerpadlo",
        "Ventil ½\"", "Řezný kotouč",   "Lepidlo",          "Servisní hodina", "Licence CRM",
        "Školení",    "Dřevěná paleta", "Kávovar",          "Papír A4",        "Toner černý"};
    return v;
}

const std::vector<std::string_view>& commSubjects() {
    static const std::vector<std::string_view> v{"Telefonát – nabídka servisu",
                                                 "Schůzka na pobočce",
                                                 "Dopis: upomínka",
                                                 "E-mail s ceníkem",
                                                 "Reklamace č. 42",
                                                 "Předání zakázky",
                                                 "Kontrolní hovor",
                                                 "Návštěva veletrhu",
                                                 "Porada \"Q3\""};
    return v;
}

std::string asciiFold(std::string_view s) {
    static const std::pair<std::string_view, char> map[] = {
        {"á", 'a'}, {"č", 'c'}, {"ď", 'd'}, {"é", 'e'}, {"ě", 'e'}, {"í", 'i'}, {"ň", 'n'},
        {"ó", 'o'}, {"ř", 'r'}, {"š", 's'}, {"ť", 't'}, {"ú", 'u'}, {"ů", 'u'}, {"ý", 'y'},
        {"ž", 'z'}, {"ä", 'a'}, {"ö", 'o'}, {"ü", 'u'}, {"ł", 'l'}, {"ő", 'o'}, {"Á", 'a'},
        {"Č", 'c'}, {"Ď", 'd'}, {"É", 'e'}, {"Ě", 'e'}, {"Í", 'i'}, {"Ň", 'n'}, {"Ó", 'o'},
        {"Ř", 'r'}, {"Š", 's'}, {"Ť", 't'}, {"Ú", 'u'}, {"Ů", 'u'}, {"Ý", 'y'}, {"Ž", 'z'}};
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        bool matched = false;
        for (const auto& [from, to] : map) {
            if (s.substr(i, from.size()) == from) {
                out.push_back(to);
                i += from.size();
                matched = true;
                break;
            }
        }
        if (matched) continue;
        const auto c = static_cast<unsigned char>(s[i]);
        if (std::isalnum(c))
            out.push_back(static_cast<char>(std::tolower(c)));
        else if ((c == ' ' || c == '-' || c == '.') && !out.empty() && out.back() != '.')
            out.push_back('.');
        ++i;  // other bytes (quotes, non-Latin) are dropped
    }
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

}  // namespace intouch::sim::czech
