#include "CodeLists.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "CzechData.h"
#include "JsonWriter.h"

namespace intouch::sim {

namespace {

using Items = std::vector<std::pair<std::string, std::string>>;  // name (code), value (label)

CodeList makeList(std::string id, std::string_view name, bool locked, const Items& items) {
    JsonBuilder j;
    j.beginObject().key("id").str(id).key("name").str(name).key("locked").boolean(locked);
    j.key("items").beginArray();
    int64_t seq = 1;
    for (const auto& [code, label] : items) {
        j.beginObject()
            .key("name")
            .str(code)
            .key("sequence")
            .num(seq++)
            .key("value")
            .str(label)
            .endObject();
    }
    j.endArray().endObject();
    return {std::move(id), j.take()};
}

std::vector<CodeList> build() {
    std::vector<CodeList> lists;
    Items countries;
    for (const auto& c : czech::countries()) countries.emplace_back(c.code, c.name);
    lists.push_back(makeList("countries", "Země", true, countries));

    Items categories;
    for (const auto& c : czech::categories()) categories.emplace_back(c.code, c.name);
    lists.push_back(makeList("categories", "Kategorie kontaktů", false, categories));

    lists.push_back(makeList("contactTypes", "Typy komunikace", true,
                             {{"TEL", "Telefonát"},
                              {"MEET", "Schůzka"},
                              {"LETTER", "Dopis"},
                              {"EMAIL", "E-mail"},
                              {"SMS", "SMS"}}));
    lists.push_back(makeList("agendaCategories", "Kategorie agendy", false,
                             {{"A1", "Obchod"},
                              {"A2", "Servis"},
                              {"A3", "Reklamace"},
                              {"A4", "Marketing"},
                              {"A5", "Ostatní \"různé\""}}));
    lists.push_back(makeList("stages", "Fáze příležitosti", false,
                             {{"S1", "Kontakt"},
                              {"S2", "Poptávka"},
                              {"S3", "Nabídka"},
                              {"S4", "Jednání"},
                              {"S5", "Ztraceno"},
                              {"S6", "Vyhráno"}}));
    lists.push_back(makeList("opTypes", "Typy příležitostí", false,
                             {{"OT1", "Nový zákazník"},
                              {"OT2", "Rozšíření"},
                              {"OT3", "Servisní smlouva"},
                              {"OT4", "Jednorázový prodej"}}));
    lists.push_back(
        makeList("lostOccasions", "Důvody ztráty", false,
                 {{"L1", "Cena"}, {"L2", "Konkurence"}, {"L3", "Termín"}, {"L4", "Jiný důvod"}}));
    lists.push_back(makeList("caseTypes", "Typy zakázek", true,
                             {{"1", "Objednávka"}, {"2", "Servisní zakázka"}, {"3", "Projekt"}}));
    lists.push_back(makeList(
        "units", "Měrné jednotky", false,
        {{"ks", "kus"}, {"kg", "kilogram"}, {"hod", "hodina"}, {"m", "metr"}, {"bal", "balení"}}));
    lists.push_back(
        makeList("currencies", "Měny", true, {{"CZK", "Koruna česká"}, {"EUR", "Euro"}}));
    std::sort(lists.begin(), lists.end(),
              [](const CodeList& a, const CodeList& b) { return a.id < b.id; });
    return lists;
}

}  // namespace

const std::vector<CodeList>& codeLists() {
    static const std::vector<CodeList> lists = build();
    return lists;
}

}  // namespace intouch::sim
