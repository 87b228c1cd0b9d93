#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "TestSupport.hpp"
#include "mapping/ColumnType.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/SchemaSql.hpp"

using namespace intouch;
using test::J;

namespace {

const std::string kMappings = std::string(INTOUCH_SOURCE_DIR) + "/mappings";
const std::string kMigration =
    std::string(INTOUCH_SOURCE_DIR) + "/migrations/0002_stream_tables.sql";

const std::map<std::string, StreamSpec>& shipped() {
    static const std::map<std::string, StreamSpec> all = [] {
        std::map<std::string, StreamSpec> m;
        for (auto& s : loadMappingDirectory(kMappings)) {
            s.piiKey = "shipped-mapping test key";  // pii.key of a config
            m.emplace(s.name, s);
        }
        return m;
    }();
    return all;
}

const StreamSpec& stream(const std::string& name) {
    return shipped().at(name);
}

const TimeZone& prague() {
    static const TimeZone tz = TimeZone::load("Europe/Prague");
    return tz;
}

// Maps a record shaped like the simulator's and returns column -> value.
std::map<std::string, std::optional<std::string>> mapped(const std::string& name,
                                                         const std::string& json) {
    const StreamSpec& s = stream(name);
    const MappedRecord r = RecordMapper(s, prague()).map(J(json));
    std::map<std::string, std::optional<std::string>> out;
    const auto cols = s.valueColumns();
    for (std::size_t i = 0; i < cols.size(); ++i) out[cols[i]] = r.values[i];
    return out;
}

const char* kAudit = R"("entered": "2023-01-02T08:00:00+01:00", "enteredBy": "novak",
  "modified": "2024-03-05T10:15:30+01:00", "modifiedBy": "svoboda")";

}  // namespace

TEST(ShippedMappings, EveryFileLoadsOnItsOwn) {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kMappings)) {
        if (entry.path().extension() != ".yaml") continue;
        ++files;
        EXPECT_NO_THROW(loadMappingFile(entry.path().string())) << entry.path();
    }
    EXPECT_EQ(files, 11u);
}

TEST(ShippedMappings, OneStreamPerDocumentedEndpoint) {
    std::set<std::string> names;
    for (const auto& [name, s] : shipped()) names.insert(name);
    EXPECT_EQ(names,
              (std::set<std::string>{"buscases", "comm", "files", "invoices", "lists", "members",
                                     "notes", "opportunities", "parties", "products", "stores"}));
    for (const auto& [name, s] : shipped()) {
        EXPECT_EQ(s.endpoint, name);
        EXPECT_EQ(s.table, name);
        // Only keys are required: a real CRM may leave anything else out.
        for (const auto& c : s.columns) {
            const bool key =
                std::find(s.primaryKey.begin(), s.primaryKey.end(), c.name) != s.primaryKey.end();
            EXPECT_EQ(c.required, key) << name << "." << c.name;
        }
        for (const auto& child : s.children)
            for (const auto& c : child.columns)
                EXPECT_FALSE(c.required) << child.table << "." << c.name;
    }
}

TEST(ShippedMappings, SyncModesAndPaging) {
    for (const char* name : {"parties", "comm", "opportunities", "buscases", "invoices", "products",
                             "stores", "notes"}) {
        const StreamSpec& s = stream(name);
        EXPECT_EQ(s.mode, SyncMode::Incremental) << name;
        EXPECT_EQ(s.paging, Paging::Paged) << name;
        EXPECT_EQ(s.cursorColumn, "modified") << name;
        EXPECT_EQ(s.primaryKey, std::vector<std::string>{"id"}) << name;
    }
    EXPECT_EQ(stream("members").mode, SyncMode::FullReplace);
    EXPECT_EQ(stream("members").paging, Paging::Unpaged);
    EXPECT_EQ(stream("members").primaryKey, (std::vector<std::string>{"org", "member"}));
    EXPECT_EQ(stream("files").mode, SyncMode::FullReplace);
    EXPECT_EQ(stream("files").paging, Paging::Unpaged);
    EXPECT_EQ(stream("lists").mode, SyncMode::FullReplace);
    EXPECT_EQ(stream("lists").paging, Paging::PlainArray);
    EXPECT_EQ(stream("buscases").params,
              (std::vector<std::pair<std::string, std::string>>{{"caseType", "0"}}));
    EXPECT_EQ(stream("lists").childValueColumns(0),
              (std::vector<std::string>{"parent_id", "idx", "name", "sequence", "value", "extra"}));
}

// Columns whose type a later numbered migration changed: 0002 must stay byte for byte as
// it was applied (the migration runner checks checksums), so it is compared with the
// mappings as they were then. Each entry names the migration that made the change.
struct ChangedAfter0002 {
    const char* stream;
    const char* column;
    const char* typeIn0002;
    const char* migration;
};
const ChangedAfter0002 kChangedAfter0002[] = {
    {"members", "for_contact", "text", "0003_members_for_contact_boolean.sql"},
};

TEST(ShippedMappings, MigrationMatchesMappings) {
    std::vector<StreamSpec> specs;
    for (const auto& [name, s] : shipped()) {
        StreamSpec asIn0002 = s;
        for (const auto& change : kChangedAfter0002) {
            if (asIn0002.name != change.stream) continue;
            ASSERT_TRUE(std::filesystem::exists(std::string(INTOUCH_SOURCE_DIR) +
                                                "/migrations/" + change.migration))
                << change.migration;
            bool found = false;
            for (auto& c : asIn0002.columns) {
                if (c.name != change.column) continue;
                std::string error;
                auto type = parseColumnType(change.typeIn0002, error);
                ASSERT_TRUE(type) << error;
                c.type = *type;
                found = true;
            }
            ASSERT_TRUE(found) << change.stream << "." << change.column;
        }
        specs.push_back(asIn0002);
    }
    const std::string expected = streamTablesMigration(specs);
    if (const char* w = std::getenv("INTOUCH_WRITE_MIGRATION"); w && std::string(w) == "1")
        std::ofstream(kMigration, std::ios::binary) << expected;
    EXPECT_EQ(test::readFile(kMigration), expected)
        << "migrations/0002_stream_tables.sql is out of date: regenerate it with "
           "INTOUCH_WRITE_MIGRATION=1 mapping_tests "
           "--gtest_filter=ShippedMappings.MigrationMatchesMappings";
}

// The version tables of the shipped streams with `history: true` (issue 17), added after
// 0002-0003 so that an existing warehouse gets them from `migrate`.
TEST(ShippedMappings, HistoryMigrationMatchesMappings) {
    const std::string path = std::string(INTOUCH_SOURCE_DIR) + "/migrations/0004_history.sql";
    std::vector<StreamSpec> specs;
    for (const auto& [name, s] : shipped()) specs.push_back(s);
    const std::string expected = historyTablesMigration(specs);
    if (const char* w = std::getenv("INTOUCH_WRITE_MIGRATION"); w && std::string(w) == "1")
        std::ofstream(path, std::ios::binary) << expected;
    EXPECT_EQ(test::readFile(path), expected)
        << "migrations/0004_history.sql is out of date: regenerate it with "
           "INTOUCH_WRITE_MIGRATION=1 mapping_tests "
           "--gtest_filter=ShippedMappings.HistoryMigrationMatchesMappings";
    for (const char* stream : {"opportunities", "buscases", "parties"})
        EXPECT_TRUE(shipped().at(stream).history) << stream;
}

TEST(ShippedMappings, PartyWithContactsAndCustomFields) {
    const std::string party =
        std::string(R"({"id": 42, "type": "INDIVIDUAL", "firstname": "Eva", "surname": "Nováková",
      "name": "Ing. Eva Nováková", "company": null, "birthday": "1961-02-28", "bornNumber": "615228/1234",
      "card": "K12345678", "canShopping": true, "categories": "c1,c3", "categoriesValue": "VIP, Dodavatel",
      "city": "Brno", "country": "CZ", "countryValue": "Česko", "adrState": "Jihomoravský",
      "cityM": null, "countryM": null, "countryMValue": null, "adrStateM": null, "deliveryAddr": 0,
      "bankAccount": "19-2000145399", "bankCode": "0800", "bankSymbol": null, "dic": null, "dic2": null,
      "debit": 1500, "comment": "Řádek 1\nŘádek 2", )") +
        kAudit + R"(, "ownerUser": "novak", "ownerGroup": null,
      "contacts": [{"type": "EMAIL", "value": "eva@seznam.cz", "primary": true},
                   {"type": "MOBILE", "value": "+420 601 123 456", "primary": true}],
      "customFields": {"cf_1": "Zdroj: veletrh", "cf_2": 17}})";
    const auto v = mapped("parties", party);
    EXPECT_EQ(v.at("id"), "42");
    EXPECT_EQ(v.at("surname"), "Nováková");
    EXPECT_EQ(v.at("birthday"), "1961-02-28");
    // pii: hash -- HMAC-SHA-256 under the key, as `openssl dgst -sha256 -hmac KEY` prints it.
    EXPECT_EQ(v.at("born_number"), "a7095e458ace6158022523db33a9c3a1078e81b97328669d032ba707506ba41d");
    EXPECT_EQ(v.at("can_shopping"), "true");
    EXPECT_EQ(v.at("city_m"), std::nullopt);
    EXPECT_EQ(v.at("country_value"), "Česko");
    EXPECT_EQ(v.at("delivery_addr"), "0");
    EXPECT_EQ(v.at("bank_code"), "0800");
    EXPECT_EQ(v.at("debit"), "1500");
    EXPECT_EQ(v.at("entered"), "2023-01-02 07:00:00+00");
    EXPECT_EQ(v.at("modified"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(v.at("owner_user"), "novak");
    // Only the undocumented custom fields are left over.
    EXPECT_EQ(v.at("extra"), R"({"customFields":{"cf_1":"Zdroj: veletrh","cf_2":17}})");
    const MappedRecord r = RecordMapper(stream("parties"), prague()).map(J(party));
    ASSERT_EQ(r.children.size(), 1u);

    EXPECT_EQ(r.children[0], (std::vector<MappedRow>{
                                 {"42", "0", "EMAIL", "eva@seznam.cz", "true", std::nullopt},
                                 {"42", "1", "MOBILE", "+420 601 123 456", "true", std::nullopt}}));
}

TEST(ShippedMappings, CommWithDateTimeAsEpochMilliseconds) {
    const auto v = mapped(
        "comm", R"({"id": 5, "customer": 42, "person": null, "branch": null, "opportunity": 3,
      "buscase": null, "campaign": 12, "name": "Schůzka", "planContact": "2024-12-24", "contacted": "2024-12-27",
      "contactedTime": "14:30:00", "contactType": "TEL", "agendaCategory": "A2", "comment": null,
      "letterBody": null, "phone": "+420 222 333 444", "callDuration": 245,
      "audioURL": "https://rec.example.cz/calls/5.mp3?token=a%2Fb&x=1",
      "entered": 1709630130000, "enteredBy": "novak", "modified": 1709630130000, "modifiedBy": "novak",
      "ownerUser": "novak", "ownerGroup": "Obchod"})");
    EXPECT_EQ(v.at("plan_contact"), "2024-12-24");
    EXPECT_EQ(v.at("contacted_time"), "14:30:00");
    EXPECT_EQ(v.at("call_duration"), "245");
    EXPECT_EQ(v.at("audio_url"), "https://rec.example.cz/calls/5.mp3?token=a%2Fb&x=1");
    EXPECT_EQ(v.at("modified"), "2024-03-05 09:15:30+00");
    EXPECT_EQ(v.at("extra"), std::nullopt);
}

TEST(ShippedMappings, OpportunityMoneyKeepsItsDigits) {
    const auto v = mapped("opportunities",
                          std::string(R"({"id": 9, "customer": 42, "person": null, "branch": null,
      "parent": null, "name": "Nabídka: stůl", "stage": "S2", "opType": "OT1", "amount": 1234567.89,
      "expense": 0.10, "profit": 1234567.79, "intlAmount": 49382.72, "intlExpense": 0.00, "intlProfit": 49382.72,
      "currency": "EUR", "probability": 40, "closeDate": "2024-06-30", "collect": null, "reallyClosed": null,
      "lostOccasion": null, "comment": null, )") +
                              kAudit + R"(, "ownerUser": "novak", "ownerGroup": null})");
    EXPECT_EQ(v.at("amount"), "1234567.89");
    EXPECT_EQ(v.at("expense"), "0.10");
    EXPECT_EQ(v.at("intl_expense"), "0.00");
    EXPECT_EQ(v.at("probability"), "40");
    EXPECT_EQ(v.at("extra"), std::nullopt);
}

TEST(ShippedMappings, BuscaseAndInvoiceItems) {
    const char* items =
        R"([{"product": 3, "name": "Stůl", "quantity": 2, "unitPrice": 1500.50, "vatRate": 21},
                            {"product": null, "name": "Volná položka", "quantity": 1, "unitPrice": 10.00, "vatRate": 0}])";
    const std::string buscase =
        std::string(R"({"id": 11, "customer": 42, "name": "Objednávka č. 11", "caseType": 1,
      "totalPrice": 3011.00, "action": false, "subject": null, "street": "Dlouhá 1", )") +
        kAudit + R"(, "ownerUser": "novak", "ownerGroup": null, "items": )" + items +
        R"(, "deliveryDate": "2024-03-20", "deliveryMethod": "PPL"})";
    const auto v = mapped("buscases", buscase);
    EXPECT_EQ(v.at("case_type"), "1");
    EXPECT_EQ(v.at("total_price"), "3011.00");
    // Fields of one case type only are not mapped: they are kept, not lost.
    EXPECT_EQ(v.at("extra"), R"({"deliveryDate":"2024-03-20","deliveryMethod":"PPL"})");

    const auto r = RecordMapper(stream("buscases"), prague()).map(J(buscase));
    EXPECT_EQ(r.children[0],
              (std::vector<MappedRow>{
                  {"11", "0", "3", "Stůl", "2", "1500.50", "21", std::nullopt},
                  {"11", "1", std::nullopt, "Volná položka", "1", "10.00", "0", std::nullopt}}));
    const std::string invoice =
        std::string(R"({"id": 12, "customer": 42, "allNumber": "FV2024-00012",
      "totalPrice": 3011.00, "issued": "2024-03-01", "due": "2024-03-15", "paid": true, )") +
        kAudit + R"(, "items": )" + items + "}";
    const auto iv = mapped("invoices", invoice);
    EXPECT_EQ(iv.at("all_number"), "FV2024-00012");
    EXPECT_EQ(iv.at("paid"), "true");
    EXPECT_EQ(iv.at("extra"), std::nullopt);
    EXPECT_EQ(RecordMapper(stream("invoices"), prague()).map(J(invoice)).children[0].size(), 2u);
}

TEST(ShippedMappings, ProductsStoresNotesFilesMembersLists) {
    auto noExtra = [](const std::string& name, const std::string& json) {
        const auto v = mapped(name, json);
        EXPECT_EQ(v.at("extra"), std::nullopt) << name;
        return v;
    };
    EXPECT_EQ(noExtra("products",
                      std::string(R"({"id": 1, "name": "Stůl", "code": "P-00001", "price": 1500.50,
      "vatRate": 21, "unit": "ks", "active": true, )") +
                          kAudit + "}")
                  .at("price"),
              "1500.50");
    EXPECT_EQ(
        noExtra("stores",
                std::string(
                    R"({"id": 1, "name": "Sklad Brno", "street": "Dlouhá 1", "city": "Brno", )") +
                    kAudit + "}")
            .at("city"),
        "Brno");
    EXPECT_EQ(
        noExtra("notes",
                std::string(R"({"id": 1, "srcType": "party", "srcId": 42, "note": "<p>Ahoj</p>",
      "html": true, )") +
                    kAudit + "}")
            .at("html"),
        "true");
    // Datetimes without an offset are CRM-local (Europe/Prague).
    EXPECT_EQ(
        noExtra("files", R"({"id": 1, "name": "smlouva_Novák_1.pdf", "mimeType": "application/pdf",
      "size": 5242880, "srcType": "party", "srcId": 42, "entered": "2024-03-05T10:15:30",
      "modified": "2024-07-05T10:15:30"})")
            .at("modified"),
        "2024-07-05 08:15:30+00");
    EXPECT_EQ(
        noExtra("members",
                R"({"org": 1, "member": 2, "priority": 3, "forContact": true})")
            .at("for_contact"),
        "true");
    const std::string list = R"({"id": "contactTypes", "name": "Typy komunikace", "locked": true,
      "items": [{"name": "Telefon", "sequence": 1, "value": "TEL"}, {"name": "Schůzka", "sequence": 2, "value": "MEET"}]})";
    EXPECT_EQ(noExtra("lists", list).at("id"), "contactTypes");
    const auto r = RecordMapper(stream("lists"), prague()).map(J(list));

    EXPECT_EQ(r.children[0], (std::vector<MappedRow>{
                                 {"contactTypes", "0", "Telefon", "1", "TEL", std::nullopt},
                                 {"contactTypes", "1", "Schůzka", "2", "MEET", std::nullopt}}));
}

// Issue 16: the warehouse documents itself; every table and column the API docs describe
// carries its description into COMMENT ON, and coded columns name their code list.
TEST(ShippedMappings, EveryTableAndColumnIsDescribed) {
    std::size_t described = 0;
    for (const auto& [name, s] : shipped()) {
        EXPECT_FALSE(s.description.empty()) << "table " << s.table;
        for (const auto& c : s.columns) {
            EXPECT_FALSE(c.description.empty()) << s.table << "." << c.name;
            described += c.description.empty() ? 0 : 1;
        }
        for (const auto& child : s.children) {
            EXPECT_FALSE(child.description.empty()) << "table " << child.table;
            for (const auto& c : child.columns)
                EXPECT_FALSE(c.description.empty()) << child.table << "." << c.name;
        }
    }
    EXPECT_GT(described, 150u);
}

TEST(ShippedMappings, CodedColumnsNameTheirCodeList) {
    const std::map<std::string, std::string> expected{
        {"parties.categories", "categories+"}, {"parties.country", "countries"},
        {"parties.country_m", "countries"},    {"comm.contact_type", "contactTypes"},
        {"comm.agenda_category", "agendaCategories"}, {"opportunities.stage", "stages"},
        {"opportunities.op_type", "opTypes"},  {"opportunities.lost_occasion", "lostOccasions"},
        {"opportunities.currency", "currencies"}, {"buscases.case_type", "caseTypes"},
        {"products.unit", "units"}};
    std::map<std::string, std::string> actual;
    for (const auto& [name, s] : shipped())
        for (const auto& c : s.columns)
            if (!c.decode.empty()) actual[s.table + "." + c.name] = c.decode + (c.codeSet ? "+" : "");
    EXPECT_EQ(actual, expected);
}
