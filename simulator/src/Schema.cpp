#include "Schema.h"

namespace intouch::sim {

namespace {

using K = FieldKind;

std::vector<FieldDef> withAudit(std::vector<FieldDef> fields, bool owners) {
    fields.push_back({"entered", K::DateTime});
    fields.push_back({"enteredBy", K::String});
    fields.push_back({"modified", K::DateTime});
    fields.push_back({"modifiedBy", K::String});
    if (owners) {
        fields.push_back({"ownerUser", K::String});
        fields.push_back({"ownerGroup", K::String});
    }
    return fields;
}

std::array<ResourceSchema, kResourceCount> buildSchemas() {
    std::array<ResourceSchema, kResourceCount> s;

    auto parties = withAudit({{"id", K::Int},
                              {"type", K::String},
                              {"firstname", K::String},
                              {"surname", K::String},
                              {"name", K::String},
                              {"company", K::String},
                              {"birthday", K::Date},
                              {"bornNumber", K::String},
                              {"card", K::String},
                              {"canShopping", K::Bool},
                              {"categories", K::String},
                              {"categoriesValue", K::String},
                              {"city", K::String},
                              {"cityM", K::String},
                              {"country", K::String},
                              {"countryM", K::String},
                              {"countryValue", K::String},
                              {"countryMValue", K::String},
                              {"adrState", K::String},
                              {"adrStateM", K::String},
                              {"deliveryAddr", K::Int},
                              {"bankAccount", K::String},
                              {"bankCode", K::String},
                              {"bankSymbol", K::String},
                              {"dic", K::String},
                              {"dic2", K::String},
                              {"debit", K::Int},
                              {"comment", K::String}},
                             true);
    parties.push_back({"contacts", K::Nested});
    parties.push_back({"customFields", K::Nested});
    s[0] = {Resource::Parties, "parties", std::move(parties)};

    s[1] = {Resource::Comm, "comm",
            withAudit({{"id", K::Int},
                       {"customer", K::Int},
                       {"person", K::Int},
                       {"branch", K::Int},
                       {"opportunity", K::Int},
                       {"buscase", K::Int},
                       {"campaign", K::Int},
                       {"name", K::String},
                       {"planContact", K::Date},
                       {"contacted", K::Date},
                       {"contactedTime", K::Time},
                       {"contactType", K::String},
                       {"agendaCategory", K::String},
                       {"comment", K::String},
                       {"letterBody", K::String},
                       {"phone", K::String},
                       {"callDuration", K::Int},
                       {"audioURL", K::String}},
                      true)};

    s[2] = {Resource::Opportunities, "opportunities",
            withAudit({{"id", K::Int},
                       {"customer", K::Int},
                       {"person", K::Int},
                       {"branch", K::Int},
                       {"parent", K::Int},
                       {"name", K::String},
                       {"stage", K::String},
                       {"opType", K::String},
                       {"amount", K::Decimal},
                       {"expense", K::Decimal},
                       {"profit", K::Decimal},
                       {"intlAmount", K::Decimal},
                       {"intlExpense", K::Decimal},
                       {"intlProfit", K::Decimal},
                       {"currency", K::String},
                       {"probability", K::Int},
                       {"closeDate", K::Date},
                       {"collect", K::Date},
                       {"reallyClosed", K::Date},
                       {"lostOccasion", K::String},
                       {"comment", K::String}},
                      true)};

    auto buscases = withAudit({{"id", K::Int},
                               {"customer", K::Int},
                               {"name", K::String},
                               {"caseType", K::Int},
                               {"totalPrice", K::Decimal},
                               {"action", K::Bool},
                               {"subject", K::String},
                               {"street", K::String}},
                              true);
    buscases.push_back({"items", K::Nested});
    buscases.push_back({"deliveryDate", K::Date, 1});
    buscases.push_back({"deliveryMethod", K::String, 1});
    buscases.push_back({"serviceLevel", K::Int, 2});
    buscases.push_back({"technician", K::String, 2});
    buscases.push_back({"projectCode", K::String, 3});
    buscases.push_back({"deadline", K::Date, 3});
    s[3] = {Resource::Buscases, "buscases", std::move(buscases)};

    auto invoices = withAudit({{"id", K::Int},
                               {"customer", K::Int},
                               {"allNumber", K::String},
                               {"totalPrice", K::Decimal},
                               {"issued", K::Date},
                               {"due", K::Date},
                               {"paid", K::Bool}},
                              false);
    invoices.push_back({"items", K::Nested});
    s[4] = {Resource::Invoices, "invoices", std::move(invoices)};

    s[5] = {Resource::Products, "products",
            withAudit({{"id", K::Int},
                       {"name", K::String},
                       {"code", K::String},
                       {"price", K::Decimal},
                       {"vatRate", K::Int},
                       {"unit", K::String},
                       {"active", K::Bool}},
                      false)};

    s[6] = {
        Resource::Stores, "stores",
        withAudit({{"id", K::Int}, {"name", K::String}, {"street", K::String}, {"city", K::String}},
                  false)};

    s[7] = {Resource::Notes, "notes",
            withAudit({{"id", K::Int},
                       {"srcType", K::String},
                       {"srcId", K::Int},
                       {"note", K::String},
                       {"html", K::Bool}},
                      false)};

    s[8] = {Resource::Files,
            "files",
            {{"id", K::Int},
             {"name", K::String},
             {"mimeType", K::String},
             {"size", K::Int},
             {"srcType", K::String},
             {"srcId", K::Int},
             {"entered", K::DateTime},
             {"modified", K::DateTime}}};

    s[9] = {Resource::Members,
            "members",
            {{"org", K::Int}, {"member", K::Int}, {"priority", K::Int}, {"forContact", K::Bool}},
            false,
            false};
    return s;
}

const std::array<ResourceSchema, kResourceCount>& schemas() {
    static const auto all = buildSchemas();
    return all;
}

}  // namespace

std::optional<std::size_t> ResourceSchema::indexOf(std::string_view field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field) return i;
    return std::nullopt;
}

const ResourceSchema& schemaFor(Resource r) {
    return schemas()[static_cast<std::size_t>(r)];
}

const std::array<Resource, kResourceCount>& allResources() {
    static const std::array<Resource, kResourceCount> all{
        Resource::Parties,  Resource::Comm,     Resource::Opportunities, Resource::Buscases,
        Resource::Invoices, Resource::Products, Resource::Stores,        Resource::Notes,
        Resource::Files,    Resource::Members};
    return all;
}

std::string_view resourceName(Resource r) {
    return schemaFor(r).name;
}

std::optional<Resource> resourceFromName(std::string_view name) {
    if (name == "comments") return Resource::Notes;
    for (Resource r : allResources())
        if (schemaFor(r).name == name) return r;
    return std::nullopt;
}

}  // namespace intouch::sim
