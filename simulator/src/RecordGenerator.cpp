#include "RecordGenerator.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "CivilDate.h"
#include "CzechData.h"
#include "JsonWriter.h"
#include "RecordBuilder.h"
#include "TextGenerator.h"

namespace intouch::sim {

namespace {

Value str(std::string_view s) {
    return std::string(s);
}
Value optStr(std::optional<std::string> s) {
    if (!s) return nullptr;
    return std::move(*s);
}
Value dateAt(int64_t days) {
    return Date{formatDate(days)};
}
int64_t dayOf(int64_t epochSeconds) {
    return epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400;
}

std::string digits(Rng& rng, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.below(10)));
    return s;
}

std::string phoneNumber(Rng& rng, bool mobile) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+420 %d%02d %03d %03d",
                  mobile ? 6 + static_cast<int>(rng.below(2)) : 2 + static_cast<int>(rng.below(4)),
                  static_cast<int>(rng.below(100)), static_cast<int>(rng.below(1000)),
                  static_cast<int>(rng.below(1000)));
    return buf;
}

void audit(RecordBuilder& b, Rng& rng, int64_t entered, int64_t modified, bool owners) {
    b.set("entered", DateTime{entered});
    b.set("enteredBy", str(rng.pick(czech::users())));
    b.set("modified", DateTime{modified});
    b.set("modifiedBy", str(rng.pick(czech::users())));
    if (owners) {
        b.set("ownerUser", str(rng.pick(czech::users())));
        b.set("ownerGroup", rng.chance(0.8) ? str(rng.pick(czech::groups())) : Value{nullptr});
    }
}

std::string_view countryName(std::string_view code) {
    for (const auto& c : czech::countries())
        if (c.code == code) return c.name;
    return code;
}

struct PartyType {
    std::string_view name;
    int weight;
};

const std::vector<PartyType>& partyTypes() {
    static const std::vector<PartyType> v{
        {"INDIVIDUAL", 45}, {"ORGANIZATION", 30}, {"FREELANCER", 8}, {"BRANCH", 4},
        {"JOB", 3},         {"DEPARTMENT", 3},    {"FAMILY", 2},     {"GROUP", 2},
        {"ROBOT", 1},       {"ANONYMOUS", 2}};
    return v;
}

std::string_view pickPartyType(Rng& rng) {
    int total = 0;
    for (const auto& t : partyTypes()) total += t.weight;
    int roll = static_cast<int>(rng.below(static_cast<uint64_t>(total)));
    for (const auto& t : partyTypes()) {
        if (roll < t.weight) return t.name;
        roll -= t.weight;
    }
    return "INDIVIDUAL";
}

std::string companyName(Rng& rng) {
    return std::string(rng.pick(czech::companyStems())) +
           std::string(rng.pick(czech::companySuffixes()));
}

std::string contactsJson(Rng& rng, const std::string& localPart, const std::string& domain) {
    static const std::vector<std::string_view> types{"EMAIL", "PHONE", "MOBILE", "WEB", "FAX"};
    JsonBuilder j;
    j.beginArray();
    const auto n = rng.below(6);
    std::vector<std::string_view> seenTypes;
    for (uint64_t i = 0; i < n; ++i) {
        const std::string_view type = rng.pick(types);
        std::string value;
        if (type == "EMAIL") {
            value = (rng.chance(0.7) ? localPart
                                     : std::string(rng.chance(0.5) ? "info" : "fakturace")) +
                    "@" + domain;
        } else if (type == "WEB") {
            value = "https://www." + domain + (rng.chance(0.3) ? "/kontakt?lang=cs&ref=crm" : "");
        } else {
            value = phoneNumber(rng, type == "MOBILE");
        }
        // The first entry of each type is the primary one, as a CRM user would set it.
        const bool primary = std::find(seenTypes.begin(), seenTypes.end(), type) == seenTypes.end();
        seenTypes.push_back(type);
        j.beginObject()
            .key("type")
            .str(type)
            .key("value")
            .str(value)
            .key("primary")
            .boolean(primary)
            .endObject();
    }
    j.endArray();
    return j.take();
}

std::optional<std::string> customFieldsJson(Rng& rng) {
    if (rng.chance(0.4)) return std::nullopt;
    static const std::vector<std::string_view> texts{"Zdroj: veletrh", "Doporučil pan Kříž",
                                                     "A\"B\\C", "Řádek 1\nŘádek 2", "🚚 rozvoz"};
    JsonBuilder j;
    j.beginObject();
    j.key("cf_1");
    if (rng.chance(0.15))
        j.null();
    else
        j.str(rng.pick(texts));
    j.key("cf_2").num(rng.between(0, 500));
    if (rng.chance(0.3)) j.key("cf_3").boolean(rng.chance(0.5));
    j.endObject();
    return j.take();
}

}  // namespace

std::string RecordGenerator::productName(int64_t productId) {
    const auto& words = czech::productWords();
    const auto n = static_cast<int64_t>(words.size());
    std::string name(words[static_cast<std::size_t>((productId - 1) % n)]);
    const int64_t variant = (productId - 1) / n;
    if (variant > 0) name += " typ " + std::to_string(variant + 1);
    return name;
}

Value RecordGenerator::ref(Resource r, Rng& rng, double probability) const {
    if (probability < 1.0 && !rng.chance(probability)) return nullptr;
    auto id = pick_(r, rng);
    if (!id) return nullptr;
    return *id;
}

std::pair<std::string, int64_t> RecordGenerator::items(Rng& rng, int minItems, int maxItems) const {
    static const std::vector<int64_t> vatRates{21, 21, 21, 12, 0};
    JsonBuilder j;
    j.beginArray();
    int64_t total = 0;
    const auto n = rng.between(minItems, maxItems);
    for (int64_t i = 0; i < n; ++i) {
        const auto product = pick_(Resource::Products, rng);
        const int64_t quantity = rng.between(1, 10);
        const int64_t unitPrice = rng.between(1000, 500000);
        total += quantity * unitPrice;
        j.beginObject();
        j.key("product");
        if (product)
            j.num(*product);
        else
            j.null();
        j.key("name").str(product ? productName(*product) : "Volná položka");
        j.key("quantity").num(quantity);
        j.key("unitPrice").decimal(unitPrice);
        j.key("vatRate").num(rng.pick(vatRates));
        j.endObject();
    }
    j.endArray();
    return {j.take(), total};
}

Record RecordGenerator::make(Resource r, Rng& rng, int64_t id, int64_t entered,
                             int64_t modified) const {
    switch (r) {
        case Resource::Parties:
            return party(rng, id, entered, modified);
        case Resource::Comm:
            return comm(rng, id, entered, modified);
        case Resource::Opportunities:
            return opportunity(rng, id, entered, modified);
        case Resource::Buscases:
            return buscase(rng, id, entered, modified);
        case Resource::Invoices:
            return invoice(rng, id, entered, modified);
        case Resource::Products:
            return product(rng, id, entered, modified);
        case Resource::Stores:
            return store(rng, id, entered, modified);
        case Resource::Notes:
            return note(rng, id, entered, modified);
        case Resource::Files:
            return file(rng, id, entered, modified);
        case Resource::Members:
            break;
    }
    throw std::logic_error("members are generated with RecordGenerator::member");
}

Record RecordGenerator::party(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    RecordBuilder b(Resource::Parties, id);
    const std::string_view type = pickPartyType(rng);
    const bool person = type == "INDIVIDUAL" || type == "FREELANCER" || type == "JOB";
    const bool female = rng.chance(0.5);
    const auto& sn = rng.pick(czech::surnames());
    const std::string surname(female ? sn.female : sn.male);
    const std::string firstname(female ? rng.pick(czech::femaleFirstNames())
                                       : rng.pick(czech::maleFirstNames()));
    const std::string company = companyName(rng);
    const auto& city = rng.pick(czech::cities());

    std::string name;
    std::string localPart = czech::asciiFold(firstname) + "." + czech::asciiFold(surname);
    std::string domain = czech::asciiFold(std::string(sn.male)) + ".cz";
    b.set("type", str(type));
    if (person) {
        b.set("firstname", firstname).set("surname", surname);
        name = (rng.chance(0.1) ? "Ing. " : "") + firstname + " " + surname;
        if (type == "FREELANCER") name += " – " + company;
        if (type == "JOB") name = "Vedoucí nákupu: " + name;
        const bool employed = type != "INDIVIDUAL" || rng.chance(0.4);
        b.set("company", employed ? Value{company} : Value{nullptr});
        static const std::vector<std::string_view> freemail{"seznam.cz", "email.cz", "gmail.com",
                                                            "centrum.cz"};
        domain = employed ? czech::asciiFold(company.substr(0, company.find(' '))) + ".cz"
                          : std::string(rng.pick(freemail));
    } else {
        b.set("firstname", nullptr).set("surname", nullptr);
        if (type == "ORGANIZATION")
            name = company;
        else if (type == "BRANCH")
            name = company + " – pobočka " + std::string(city.name);
        else if (type == "DEPARTMENT")
            name = "Oddělení nákupu (" + company + ")";
        else if (type == "FAMILY")
            name = "Rodina " + std::string(sn.male) + "ových";
        else if (type == "GROUP")
            name = "Skupina \"Stálí zákazníci\" č. " + std::to_string(id);
        else if (type == "ROBOT")
            name = "Importní robot \\ e-shop";
        else
            name = "Anonymní zákazník #" + std::to_string(id);
        b.set("company", type == "ANONYMOUS" ? Value{nullptr} : Value{company});
        localPart = rng.chance(0.5) ? "info" : "obchod";
        domain = czech::asciiFold(company.substr(0, company.find(' '))) +
                 (city.country == "SK" ? ".sk" : ".cz");
    }
    b.set("name", name);

    if (person && rng.chance(0.7)) {
        const int64_t birth = rng.between(daysFromCivil(1940, 1, 1), daysFromCivil(2005, 12, 31));
        b.set("birthday", dateAt(birth));
        if (rng.chance(0.4)) {
            const CivilDay c = civilFromDays(birth);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%02d%02u%02u/%s", c.year % 100,
                          c.month + (female ? 50 : 0), c.day, digits(rng, 4).c_str());
            b.set("bornNumber", std::string(buf));
        } else {
            b.set("bornNumber", nullptr);
        }
    } else {
        b.set("birthday", nullptr).set("bornNumber", nullptr);
    }
    b.set("card", rng.chance(0.25) ? Value{"K" + digits(rng, 8)} : Value{nullptr});
    b.set("canShopping", rng.chance(0.6));

    const auto& cats = czech::categories();
    std::vector<std::size_t> chosen;
    const auto nCats = rng.below(5);
    for (uint64_t i = 0; i < nCats; ++i) {
        const auto c = static_cast<std::size_t>(rng.below(rng.chance(0.8) ? 10 : cats.size()));
        if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) chosen.push_back(c);
    }
    std::sort(chosen.begin(), chosen.end());
    if (chosen.empty()) {
        b.set("categories", nullptr).set("categoriesValue", nullptr);
    } else {
        std::string codes, values;
        for (std::size_t c : chosen) {
            if (!codes.empty()) {
                codes += ",";
                values += ", ";
            }
            codes += cats[c].code;
            values += cats[c].name;
        }
        b.set("categories", codes).set("categoriesValue", values);
    }

    b.set("city", str(city.name)).set("country", str(city.country));
    b.set("countryValue", str(countryName(city.country))).set("adrState", str(city.region));
    const bool second = rng.chance(0.3);
    if (second) {
        const auto& c2 = rng.pick(czech::cities());
        b.set("cityM", str(c2.name)).set("countryM", str(c2.country));
        b.set("countryMValue", str(countryName(c2.country))).set("adrStateM", str(c2.region));
        b.set("deliveryAddr", rng.between(0, 2));
    } else {
        b.set("cityM", nullptr)
            .set("countryM", nullptr)
            .set("countryMValue", nullptr)
            .set("adrStateM", nullptr);
        b.set("deliveryAddr", int64_t{0});
    }

    static const std::vector<std::string_view> bankCodes{"0100", "0300", "0800",
                                                         "2010", "5500", "6100"};
    if (rng.chance(0.5)) {
        b.set("bankAccount",
              (rng.chance(0.3) ? digits(rng, 2) + "-" : std::string()) + digits(rng, 10));
        b.set("bankCode", str(rng.pick(bankCodes)));
        b.set("bankSymbol", rng.chance(0.5) ? Value{std::string("0308")} : Value{nullptr});
    } else {
        b.set("bankAccount", nullptr).set("bankCode", nullptr).set("bankSymbol", nullptr);
    }
    b.set("dic", !person && rng.chance(0.7) ? Value{"CZ" + digits(rng, 8)} : Value{nullptr});
    b.set("dic2", rng.chance(0.1) ? Value{"SK20" + digits(rng, 8)} : Value{nullptr});
    b.set("debit", rng.chance(0.8) ? int64_t{0} : rng.between(100, 90000));
    b.set("comment", optStr(text::comment(rng)));
    audit(b, rng, entered, modified, true);
    b.set("contacts", RawJson{contactsJson(rng, localPart, domain)});
    if (auto cf = customFieldsJson(rng)) b.set("customFields", RawJson{std::move(*cf)});
    return b.build();
}

Record RecordGenerator::comm(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    static const std::vector<std::string_view> types{"TEL",    "TEL",   "MEET",
                                                     "LETTER", "EMAIL", "SMS"};
    RecordBuilder b(Resource::Comm, id);
    b.set("customer", ref(Resource::Parties, rng));
    b.set("person", ref(Resource::Parties, rng, 0.5));
    b.set("branch", ref(Resource::Parties, rng, 0.1));
    b.set("opportunity", ref(Resource::Opportunities, rng, 0.3));
    b.set("buscase", ref(Resource::Buscases, rng, 0.2));
    b.set("campaign", rng.chance(0.15) ? Value{rng.between(1, 20)} : Value{nullptr});
    b.set("name", str(rng.pick(czech::commSubjects())));
    const int64_t plan = dayOf(modified) - rng.between(0, 30);
    b.set("planContact", dateAt(plan));
    const bool done = rng.chance(0.75);
    const std::string_view type = rng.pick(types);
    if (done) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(rng.between(7, 17)),
                      static_cast<int>(rng.below(60)), static_cast<int>(rng.below(60)));
        b.set("contacted", dateAt(plan + rng.between(0, 3))).set("contactedTime", Time{buf});
    } else {
        b.set("contacted", nullptr).set("contactedTime", nullptr);
    }
    b.set("contactType", str(type));
    b.set("agendaCategory", "A" + std::to_string(rng.between(1, 5)));
    b.set("comment", optStr(text::comment(rng)));
    b.set("letterBody",
          type == "LETTER" || type == "EMAIL" ? Value{text::htmlLetter(rng)} : Value{nullptr});
    const bool call = type == "TEL";
    b.set("phone", call ? Value{phoneNumber(rng, rng.chance(0.5))} : Value{nullptr});
    b.set("callDuration", call && done ? Value{rng.between(10, 3600)} : Value{nullptr});
    b.set("audioURL",
          call && done && rng.chance(0.3)
              ? Value{"https://rec.example.cz/calls/" + std::to_string(id) + ".mp3?token=a%2Fb&x=1"}
              : Value{nullptr});
    audit(b, rng, entered, modified, true);
    return b.build();
}

Record RecordGenerator::opportunity(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    RecordBuilder b(Resource::Opportunities, id);
    b.set("customer", ref(Resource::Parties, rng));
    b.set("person", ref(Resource::Parties, rng, 0.4));
    b.set("branch", ref(Resource::Parties, rng, 0.05));
    Value parent = ref(Resource::Opportunities, rng, 0.1);
    if (std::holds_alternative<int64_t>(parent) && std::get<int64_t>(parent) == id)
        parent = nullptr;
    b.set("parent", parent);
    b.set("name", "Nabídka: " + std::string(rng.pick(czech::productWords())));
    const int64_t stage = rng.between(1, 6);
    b.set("stage", "S" + std::to_string(stage));
    b.set("opType", "OT" + std::to_string(rng.between(1, 4)));
    const int64_t amount = rng.between(100000, 200000000);
    const int64_t expense = amount * rng.between(10, 90) / 100;
    b.set("amount", Decimal{amount})
        .set("expense", Decimal{expense})
        .set("profit", Decimal{amount - expense});
    const bool eur = rng.chance(0.3);
    // Rounded to whole hundredths at a fixed 25 CZK/EUR, as the CRM would store them.
    const int64_t ia = eur ? (amount + 12) / 25 : amount;
    const int64_t ie = eur ? (expense + 12) / 25 : expense;
    b.set("intlAmount", Decimal{ia})
        .set("intlExpense", Decimal{ie})
        .set("intlProfit", Decimal{ia - ie});
    b.set("currency", std::string(eur ? "EUR" : "CZK"));
    b.set("probability", rng.between(0, 10) * 10);
    const int64_t day = dayOf(modified);
    b.set("closeDate", dateAt(day + rng.between(-60, 120)));
    b.set("collect", rng.chance(0.5) ? dateAt(day + rng.between(0, 180)) : Value{nullptr});
    b.set("reallyClosed", stage >= 5 ? dateAt(day - rng.between(0, 20)) : Value{nullptr});
    b.set("lostOccasion",
          stage == 5 ? Value{"L" + std::to_string(rng.between(1, 4))} : Value{nullptr});
    b.set("comment", optStr(text::comment(rng)));
    audit(b, rng, entered, modified, true);
    return b.build();
}

Record RecordGenerator::buscase(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    static const std::vector<std::string_view> methods{"Osobní odběr", "PPL", "Česká pošta",
                                                       "Zásilkovna"};
    RecordBuilder b(Resource::Buscases, id);
    const int64_t caseType = rng.between(1, 3);
    b.set("customer", ref(Resource::Parties, rng));
    static const std::vector<std::string_view> names{"Objednávka", "Servisní zakázka", "Projekt"};
    b.set("name",
          std::string(names[static_cast<std::size_t>(caseType - 1)]) + " č. " + std::to_string(id));
    b.set("caseType", caseType);
    auto [itemsJson, total] = items(rng, 0, 4);
    b.set("totalPrice", Decimal{total});
    b.set("action", rng.chance(0.2));
    b.set("subject",
          rng.chance(0.85) ? Value{std::string(rng.pick(czech::commSubjects()))} : Value{nullptr});
    b.set("street",
          rng.chance(0.8) ? Value{std::string(rng.pick(czech::streets()))} : Value{nullptr});
    audit(b, rng, entered, modified, true);
    b.set("items", RawJson{std::move(itemsJson)});
    const int64_t day = dayOf(modified);
    if (caseType == 1) {
        b.set("deliveryDate", rng.chance(0.8) ? dateAt(day + rng.between(1, 30)) : Value{nullptr});
        b.set("deliveryMethod", str(rng.pick(methods)));
    } else if (caseType == 2) {
        b.set("serviceLevel", rng.between(1, 3));
        b.set("technician",
              rng.chance(0.7) ? Value{std::string(rng.pick(czech::users()))} : Value{nullptr});
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "PRJ-%d-%03lld", civilFromDays(dayOf(entered)).year,
                      static_cast<long long>(id % 1000));
        b.set("projectCode", std::string(buf));
        b.set("deadline", dateAt(day + rng.between(30, 365)));
    }
    return b.build();
}

Record RecordGenerator::invoice(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    RecordBuilder b(Resource::Invoices, id);
    b.set("customer", ref(Resource::Parties, rng));
    const int64_t issued = std::max(dayOf(entered), dayOf(modified) - rng.between(0, 20));
    char buf[32];
    std::snprintf(buf, sizeof buf, "FV%d-%05lld", civilFromDays(issued).year,
                  static_cast<long long>(id));
    b.set("allNumber", std::string(buf));
    auto [itemsJson, total] = items(rng, 1, 6);
    b.set("totalPrice", Decimal{total});
    b.set("issued", dateAt(issued)).set("due", dateAt(issued + 14));
    b.set("paid", rng.chance(0.7));
    audit(b, rng, entered, modified, false);
    b.set("items", RawJson{std::move(itemsJson)});
    return b.build();
}

Record RecordGenerator::product(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    static const std::vector<std::string_view> units{"ks", "kg", "hod", "m", "bal"};
    static const std::vector<int64_t> vatRates{21, 21, 12, 0};
    RecordBuilder b(Resource::Products, id);
    char code[32];
    std::snprintf(code, sizeof code, "P-%05lld", static_cast<long long>(id));
    b.set("name", productName(id)).set("code", std::string(code));
    b.set("price", Decimal{rng.between(500, 2500000)});
    b.set("vatRate", rng.pick(vatRates));
    b.set("unit", str(rng.pick(units)));
    b.set("active", rng.chance(0.85));
    audit(b, rng, entered, modified, false);
    return b.build();
}

Record RecordGenerator::store(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    RecordBuilder b(Resource::Stores, id);
    const auto& city = rng.pick(czech::cities());
    b.set("name", "Sklad " + std::string(city.name));
    b.set("street", str(rng.pick(czech::streets())));
    b.set("city", str(city.name));
    audit(b, rng, entered, modified, false);
    return b.build();
}

Record RecordGenerator::note(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    RecordBuilder b(Resource::Notes, id);
    b.set("srcType", std::string("party"));
    b.set("srcId", ref(Resource::Parties, rng));
    const bool html = rng.chance(0.3);
    b.set("note", text::note(rng, html));
    b.set("html", html);
    audit(b, rng, entered, modified, false);
    return b.build();
}

Record RecordGenerator::file(Rng& rng, int64_t id, int64_t entered, int64_t modified) const {
    struct Kind {
        std::string_view stem, ext, mime;
    };
    static const std::vector<Kind> kinds{
        {"smlouva", "pdf", "application/pdf"},
        {"faktura", "pdf", "application/pdf"},
        {"fotka_prodejny", "jpg", "image/jpeg"},
        {"ceník", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"poznámky z jednání", "docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"export", "csv", "text/csv"}};
    RecordBuilder b(Resource::Files, id);
    const auto& k = rng.pick(kinds);
    const auto& sn = rng.pick(czech::surnames());
    b.set("name", std::string(k.stem) + "_" + std::string(sn.male) + "_" + std::to_string(id) +
                      "." + std::string(k.ext));
    b.set("mimeType", str(k.mime));
    b.set("size", rng.between(1024, 20 * 1024 * 1024));
    b.set("srcType", std::string("party"));
    b.set("srcId", ref(Resource::Parties, rng));
    b.set("entered", DateTime{entered}).set("modified", DateTime{modified});
    return b.build();
}

Record RecordGenerator::member(Rng& rng, int64_t internalId, int64_t org, int64_t memberId) const {
    RecordBuilder b(Resource::Members, internalId);
    b.set("org", org).set("member", memberId);
    b.set("priority", rng.between(1, 5));
    // A boolean or null, as in the API's documented example.
    b.set("forContact", rng.chance(0.6) ? Value{rng.chance(0.5)} : Value{nullptr});
    return b.build();
}

}  // namespace intouch::sim
