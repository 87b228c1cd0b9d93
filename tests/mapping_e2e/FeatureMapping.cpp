#include "FeatureMapping.hpp"

namespace intouch::e2e {

std::vector<MappingFile> featureMappings() {
    return {
        {"parties.yaml", R"YAML(# Every column feature on one stream.
stream: parties
endpoint: parties
table: crm_parties
primary_key: [id]
cursor: modified
sync_mode: incremental
paging: paged
extra: true
keep_raw: true
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: kind, source: type, type: text, map: {ORGANIZATION: org, INDIVIDUAL: person, ANONYMOUS: ~}, default: other}
  - {name: name, source: name, type: text, required: true}
  - {name: name_lower, source: name, type: text, transforms: [trim, lower]}
  - name: first_contact
    source: contacts[0].value
    type: text
  - {name: email, source: 'contacts[type=EMAIL].value', type: text, transforms: [trim, lower, empty_to_null]}
  - {name: phone_primary, source: 'contacts[type=PHONE].primary', type: boolean}
  - {name: city_m, source: cityM, type: text, default: '(none)'}
  - {name: birthday, source: birthday, type: date}
  - {name: birthday_or, source: birthday, type: date, default: '1900-01-01'}
  - {name: can_shopping, source: canShopping, type: boolean}
  - {name: shopping, source: canShopping, type: text, map: {'true': allowed}}
  - {name: debit, source: debit, type: integer}
  - {name: cf_1, source: customFields.cf_1, type: text}
  - {name: cf_2, source: 'customFields."cf_2"', type: bigint}
  - {name: cf_3, source: customFields.cf_3, type: boolean}
  - {name: custom_fields, source: customFields, type: jsonb}
  - {name: entered, source: entered, type: timestamptz}
  - {name: entered_local, source: entered, type: timestamp}
  - {name: modified, source: modified, type: timestamptz, required: true}
  - {name: tags, source: noSuchField, type: 'text[]', default: '["x", "NULL", "", "a \"q\""]'}
  - {name: ids, source: also.missing, type: 'bigint[]', default: '[1, null, -9223372036854775808]'}
children:
  - table: crm_parties_contacts
    source: contacts
    columns:
      - {name: type, source: $.type, type: text}
      - {name: value, source: value, type: text}
  - table: crm_parties_contact_json
    source: contacts
    extra: false
    columns:
      - {name: entry, source: $, type: jsonb}
)YAML"},
        {"parties_flat.yaml", R"YAML(# The same endpoint again, without child tables: what paths consume shows in `leftover`.
stream: parties_flat
endpoint: parties
table: crm_parties_flat
primary_key: id
cursor: modified
extra: leftover
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: modified, source: modified, type: timestamptz, required: true}
  - {name: first_value, source: 'contacts[0].value', type: text}
  - {name: email, source: 'contacts[type="EMAIL"].value', type: text}
  - {name: cf_1, source: customFields.cf_1, type: text}
  - {name: cf_2, source: $.customFields.cf_2, type: integer}
)YAML"},
        {"comm.yaml", R"YAML(stream: comm
table: crm_comm
primary_key: [id]
cursor: modified
extra: false
ambiguous_time: later
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: customer, source: customer, type: bigint}
  - {name: person, source: person, type: bigint}
  - {name: plan_contact, source: planContact, type: date}
  - {name: contacted, source: contacted, type: date}
  - {name: contacted_time, source: contactedTime, type: time}
  - {name: contact_type, source: contactType, type: text, map: {TEL: phone, MEET: meeting}, map_strict: false}
  - {name: call_duration, source: callDuration, type: integer}
  - {name: letter_body, source: letterBody, type: text}
  - {name: entered_local, source: entered, type: timestamp}
  - {name: modified, source: modified, type: timestamptz, required: true}
)YAML"},
        {"opportunities.yaml", R"YAML(stream: opportunities
table: crm_opportunities
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: amount, source: amount, type: 'numeric(14,2)'}
  - {name: amount_rounded, source: amount, type: 'numeric(10,1)'}
  - {name: expense, source: expense, type: numeric}
  - {name: profit, source: profit, type: double}
  - {name: probability, source: probability, type: integer}
  - {name: probability_label, source: probability, type: text, map: {0: none, 100: certain}}
  - {name: currency, source: currency, type: text, transforms: [lower], map: {czk: Kč, eur: €}, map_strict: true}
  - {name: close_date, source: closeDate, type: date}
  - {name: really_closed, source: reallyClosed, type: date}
  - {name: modified, source: modified, type: timestamptz, required: true}
)YAML"},
        {"service_cases.yaml", R"YAML(stream: service_cases
endpoint: buscases
table: crm_service_cases
params: {caseType: 2}
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: service_level, source: serviceLevel, type: integer}
  - {name: technician, source: technician, type: text}
  - {name: total_price, source: totalPrice, type: 'numeric(14,2)'}
  - {name: modified, source: modified, type: timestamptz, required: true}
)YAML"},
        {"members.yaml", R"YAML(stream: members
table: crm_members
primary_key: [org, member]
sync_mode: full_replace
paging: unpaged
columns:
  - {name: org, source: org, type: bigint, required: true}
  - {name: member, source: member, type: bigint, required: true}
  - {name: priority, source: priority, type: integer}
  - {name: for_contact, source: forContact, type: boolean}
)YAML"},
        {"lists.yaml", R"YAML(stream: lists
table: crm_lists
primary_key: [id]
sync_mode: full_replace
paging: array
columns:
  - {name: id, source: id, type: text, required: true}
  - {name: name, source: name, type: text}
  - {name: locked, source: locked, type: boolean}
children:
  - table: crm_lists_items
    source: items
    columns:
      - {name: name, source: name, type: text}
      - {name: sequence, source: sequence, type: integer}
      - {name: value, source: value, type: text}
)YAML"},
    };
}

void writeFeatureMappings(const E2eWorld& w) {
    for (const auto& m : featureMappings()) w.writeMapping(m.file, m.yaml);
}

std::vector<std::string> featureTables() {
    return {"crm_parties",       "crm_parties_contacts", "crm_parties_contact_json",
            "crm_parties_flat",  "crm_comm",             "crm_opportunities",
            "crm_service_cases", "crm_members",          "crm_lists",
            "crm_lists_items"};
}

SourceData loadSource(const E2eWorld& w) {
    return SourceData{w.dump("parties"),  w.dump("comm"),    w.dump("opportunities"),
                      w.dump("buscases?caseType=2"), w.dump("members"), w.dump("lists")};
}

namespace {

const std::vector<std::string> kIncrementalSystem = {"synced_at", "deleted_at"};
const std::vector<std::string> kFullReplaceSystem = {"synced_at"};

std::string mapKind(const json::Value& record) {
    const std::string type = stringOr(member(&record, "type"));
    if (type == "ORGANIZATION") return quote("org");
    if (type == "INDIVIDUAL") return quote("person");
    if (type == "ANONYMOUS") return quote("other");  // mapped to ~, then the default
    return textOf(member(&record, "type"));
}

}  // namespace

std::vector<ExpectedTable> expectedPartiesTables(const json::Value& parties, DateFormat f) {
    ExpectedTable main("crm_parties",
                       {{"id", "bigint NOT NULL"},
                        {"kind", "text"},
                        {"name", "text NOT NULL"},
                        {"name_lower", "text"},
                        {"first_contact", "text"},
                        {"email", "text"},
                        {"phone_primary", "boolean"},
                        {"city_m", "text"},
                        {"birthday", "date"},
                        {"birthday_or", "date"},
                        {"can_shopping", "boolean"},
                        {"shopping", "text"},
                        {"debit", "integer"},
                        {"cf_1", "text"},
                        {"cf_2", "bigint"},
                        {"cf_3", "boolean"},
                        {"custom_fields", "jsonb"},
                        {"entered", "timestamptz"},
                        {"entered_local", "timestamp"},
                        {"modified", "timestamptz NOT NULL"},
                        {"tags", "text[]"},
                        {"ids", "bigint[]"},
                        {"extra", "jsonb"},
                        {"raw", "jsonb NOT NULL"},
                        {"record_hash", "text NOT NULL"}},
                       {"id"}, kIncrementalSystem);
    ExpectedTable contacts("crm_parties_contacts",
                           {{"parent_id", "bigint NOT NULL"},
                            {"idx", "integer NOT NULL"},
                            {"type", "text"},
                            {"value", "text"},
                            {"extra", "jsonb"}},
                           {"parent_id", "idx"});
    ExpectedTable contactJson(
        "crm_parties_contact_json",
        {{"parent_id", "bigint NOT NULL"}, {"idx", "integer NOT NULL"}, {"entry", "jsonb"}},
        {"parent_id", "idx"});

    for (const json::Value& r : parties.items()) {
        const json::Value* contactList = member(&r, "contacts");
        const json::Value* emailContact = firstWhere(contactList, "type", "EMAIL");
        std::string email = "NULL";
        if (const json::Value* v = member(emailContact, "value"); v && v->isString()) {
            const std::string cleaned = lowered(trimmed(v->asString()));
            email = cleaned.empty() ? "NULL" : quote(cleaned);
        }
        const json::Value* custom = member(&r, "customFields");
        const json::Value* cityM = member(&r, "cityM");
        const json::Value* birthday = member(&r, "birthday");
        const json::Value* canShopping = member(&r, "canShopping");

        json::Value extra = r;
        eraseMembers(extra, {"id", "type", "name", "contacts", "cityM", "birthday", "canShopping",
                             "debit", "customFields", "entered", "modified"});

        main.addRow({
            numberOf(member(&r, "id"), "bigint"),
            mapKind(r),
            textOf(member(&r, "name")),
            quote(lowered(trimmed(stringOr(member(&r, "name"))))),
            textOf(member(element(contactList, 0), "value")),
            email,
            boolOf(member(firstWhere(contactList, "type", "PHONE"), "primary")),
            cityM && !cityM->isNull() ? textOf(cityM) : quote("(none)"),
            stringAs(birthday, "date"),
            birthday && !birthday->isNull() ? stringAs(birthday, "date") : "'1900-01-01'::date",
            boolOf(canShopping),
            canShopping && canShopping->isBool() && canShopping->asBool() ? quote("allowed")
                                                                          : textOf(canShopping),
            numberOf(member(&r, "debit"), "integer"),
            textOf(member(custom, "cf_1")),
            numberOf(member(custom, "cf_2"), "bigint"),
            boolOf(member(custom, "cf_3")),
            jsonbOf(custom),
            instantOf(member(&r, "entered"), f),
            wallClockOf(member(&r, "entered"), f),
            instantOf(member(&r, "modified"), f),
            "ARRAY['x', 'NULL', '', 'a \"q\"']::text[]",
            "ARRAY[1, NULL, -9223372036854775808]::bigint[]",
            jsonbOrNullIfEmpty(extra),
            quote(r.toJson()) + "::jsonb",
            md5Of(r),
        });

        if (contactList && contactList->isArray()) {
            for (std::size_t i = 0; i < contactList->items().size(); ++i) {
                const json::Value& c = contactList->items()[i];
                json::Value childExtra = c;
                eraseMembers(childExtra, {"type", "value"});
                contacts.addRow({numberOf(member(&r, "id"), "bigint"), std::to_string(i),
                                 textOf(member(&c, "type")), textOf(member(&c, "value")),
                                 jsonbOrNullIfEmpty(childExtra)});
                contactJson.addRow(
                    {numberOf(member(&r, "id"), "bigint"), std::to_string(i), jsonbOf(&c)});
            }
        }
    }
    return {std::move(main), std::move(contacts), std::move(contactJson)};
}

std::vector<ExpectedTable> expectedFeatureTables(const SourceData& d, DateFormat f) {
    std::vector<ExpectedTable> out = expectedPartiesTables(d.parties, f);

    // parties_flat: the leftover is the record minus exactly what the paths reached.
    ExpectedTable flat("crm_parties_flat",
                       {{"id", "bigint NOT NULL"},
                        {"modified", "timestamptz NOT NULL"},
                        {"first_value", "text"},
                        {"email", "text"},
                        {"cf_1", "text"},
                        {"cf_2", "integer"},
                        {"leftover", "jsonb"},
                        {"record_hash", "text NOT NULL"}},
                       {"id"}, kIncrementalSystem);
    for (const json::Value& r : d.parties.items()) {
        const json::Value* contactList = member(&r, "contacts");
        const json::Value* custom = member(&r, "customFields");
        json::Value left = r;
        eraseMembers(left, {"id", "modified"});
        if (json::Value* cl = memberMutable(left, "contacts"); cl && cl->isArray()) {
            json::Value* emailElement = firstWhereMutable(cl, "type", "EMAIL");
            if (!cl->items().empty()) eraseMembers(cl->items()[0], {"value"});
            if (emailElement) eraseMembers(*emailElement, {"value"});
        }
        if (json::Value* cf = memberMutable(left, "customFields")) {
            if (cf->isNull()) {
                eraseMembers(left, {"customFields"});
            } else if (cf->isObject()) {
                eraseMembers(*cf, {"cf_1", "cf_2"});
                if (cf->members().empty()) eraseMembers(left, {"customFields"});
            }
        }
        flat.addRow({numberOf(member(&r, "id"), "bigint"), instantOf(member(&r, "modified"), f),
                     textOf(member(element(contactList, 0), "value")),
                     textOf(member(firstWhere(contactList, "type", "EMAIL"), "value")),
                     textOf(member(custom, "cf_1")), numberOf(member(custom, "cf_2"), "integer"),
                     jsonbOrNullIfEmpty(left), md5Of(r)});
    }
    out.push_back(std::move(flat));

    ExpectedTable comm("crm_comm",
                       {{"id", "bigint NOT NULL"},
                        {"customer", "bigint"},
                        {"person", "bigint"},
                        {"plan_contact", "date"},
                        {"contacted", "date"},
                        {"contacted_time", "time"},
                        {"contact_type", "text"},
                        {"call_duration", "integer"},
                        {"letter_body", "text"},
                        {"entered_local", "timestamp"},
                        {"modified", "timestamptz NOT NULL"},
                        {"record_hash", "text NOT NULL"}},
                       {"id"}, kIncrementalSystem);
    for (const json::Value& r : d.comm.items()) {
        const std::string type = stringOr(member(&r, "contactType"));
        comm.addRow({numberOf(member(&r, "id"), "bigint"), numberOf(member(&r, "customer"), "bigint"),
                     numberOf(member(&r, "person"), "bigint"),
                     stringAs(member(&r, "planContact"), "date"),
                     stringAs(member(&r, "contacted"), "date"),
                     stringAs(member(&r, "contactedTime"), "time"),
                     type == "TEL"    ? quote("phone")
                     : type == "MEET" ? quote("meeting")
                                      : textOf(member(&r, "contactType")),
                     numberOf(member(&r, "callDuration"), "integer"),
                     textOf(member(&r, "letterBody")), wallClockOf(member(&r, "entered"), f),
                     instantOf(member(&r, "modified"), f), md5Of(r)});
    }
    out.push_back(std::move(comm));

    ExpectedTable opps("crm_opportunities",
                       {{"id", "bigint NOT NULL"},
                        {"amount", "numeric(14,2)"},
                        {"amount_rounded", "numeric(10,1)"},
                        {"expense", "numeric"},
                        {"profit", "double precision"},
                        {"probability", "integer"},
                        {"probability_label", "text"},
                        {"currency", "text"},
                        {"close_date", "date"},
                        {"really_closed", "date"},
                        {"modified", "timestamptz NOT NULL"},
                        {"extra", "jsonb"},
                        {"record_hash", "text NOT NULL"}},
                       {"id"}, kIncrementalSystem);
    for (const json::Value& r : d.opportunities.items()) {
        const json::Value* probability = member(&r, "probability");
        const std::string pText = probability && probability->isNumber() ? probability->numberText() : "";
        const std::string currency = stringOr(member(&r, "currency"));
        json::Value extra = r;
        eraseMembers(extra, {"id", "amount", "expense", "profit", "probability", "currency",
                             "closeDate", "reallyClosed", "modified"});
        opps.addRow({numberOf(member(&r, "id"), "bigint"), numberOf(member(&r, "amount"), "numeric(14,2)"),
                     // PostgreSQL's own rounding (half away from zero) is the reference.
                     numberOf(member(&r, "amount"), "numeric(10,1)"),
                     numberOf(member(&r, "expense"), "numeric"),
                     numberOf(member(&r, "profit"), "double precision"),
                     numberOf(probability, "integer"),
                     pText == "0" ? quote("none") : pText == "100" ? quote("certain") : textOf(probability),
                     currency == "CZK"   ? quote("Kč")
                     : currency == "EUR" ? quote("€")
                                         : quote("unexpected currency " + currency),
                     stringAs(member(&r, "closeDate"), "date"), stringAs(member(&r, "reallyClosed"), "date"),
                     instantOf(member(&r, "modified"), f), jsonbOrNullIfEmpty(extra), md5Of(r)});
    }
    out.push_back(std::move(opps));

    ExpectedTable cases("crm_service_cases",
                        {{"id", "bigint NOT NULL"},
                         {"service_level", "integer"},
                         {"technician", "text"},
                         {"total_price", "numeric(14,2)"},
                         {"modified", "timestamptz NOT NULL"},
                         {"extra", "jsonb"},
                         {"record_hash", "text NOT NULL"}},
                        {"id"}, kIncrementalSystem);
    for (const json::Value& r : d.serviceCases.items()) {
        json::Value extra = r;
        eraseMembers(extra, {"id", "serviceLevel", "technician", "totalPrice", "modified"});
        cases.addRow({numberOf(member(&r, "id"), "bigint"), numberOf(member(&r, "serviceLevel"), "integer"),
                      textOf(member(&r, "technician")), numberOf(member(&r, "totalPrice"), "numeric(14,2)"),
                      instantOf(member(&r, "modified"), f), jsonbOrNullIfEmpty(extra), md5Of(r)});
    }
    out.push_back(std::move(cases));

    ExpectedTable members("crm_members",
                          {{"org", "bigint NOT NULL"},
                           {"member", "bigint NOT NULL"},
                           {"priority", "integer"},
                           {"for_contact", "boolean"},
                           {"extra", "jsonb"},
                           {"record_hash", "text NOT NULL"}},
                          {"org", "member"}, kFullReplaceSystem);
    for (const json::Value& r : d.members.items()) {
        const std::string fc = boolOf(member(&r, "forContact"));  // a boolean (issue 10)
        json::Value extra = r;
        eraseMembers(extra, {"org", "member", "priority", "forContact"});
        members.addRow({numberOf(member(&r, "org"), "bigint"), numberOf(member(&r, "member"), "bigint"),
                        numberOf(member(&r, "priority"), "integer"), fc, jsonbOrNullIfEmpty(extra),
                        md5Of(r)});
    }
    out.push_back(std::move(members));

    ExpectedTable lists("crm_lists",
                        {{"id", "text NOT NULL"},
                         {"name", "text"},
                         {"locked", "boolean"},
                         {"extra", "jsonb"},
                         {"record_hash", "text NOT NULL"}},
                        {"id"}, kFullReplaceSystem);
    ExpectedTable items("crm_lists_items",
                        {{"parent_id", "text NOT NULL"},
                         {"idx", "integer NOT NULL"},
                         {"name", "text"},
                         {"sequence", "integer"},
                         {"value", "text"},
                         {"extra", "jsonb"}},
                        {"parent_id", "idx"});
    for (const json::Value& r : d.lists.items()) {
        json::Value extra = r;
        eraseMembers(extra, {"id", "name", "locked", "items"});
        lists.addRow({textOf(member(&r, "id")), textOf(member(&r, "name")), boolOf(member(&r, "locked")),
                      jsonbOrNullIfEmpty(extra), md5Of(r)});
        const json::Value* list = member(&r, "items");
        for (std::size_t i = 0; list && list->isArray() && i < list->items().size(); ++i) {
            const json::Value& it = list->items()[i];
            json::Value itemExtra = it;
            eraseMembers(itemExtra, {"name", "sequence", "value"});
            items.addRow({textOf(member(&r, "id")), std::to_string(i), textOf(member(&it, "name")),
                          numberOf(member(&it, "sequence"), "integer"), textOf(member(&it, "value")),
                          jsonbOrNullIfEmpty(itemExtra)});
        }
    }
    out.push_back(std::move(lists));
    out.push_back(std::move(items));
    return out;
}

std::vector<std::string> compareAll(const E2eWorld& w, const std::vector<ExpectedTable>& tables) {
    std::vector<std::string> out;
    for (const auto& t : tables) {
        if (t.rowCount() == 0) out.push_back(t.table() + ": the test expects no rows at all");
        for (auto& d : t.differences(w.dsn())) out.push_back(std::move(d));
    }
    return out;
}

std::string birthdayMapping(bool required) {
    return std::string(R"YAML(stream: parties
table: crm_parties
primary_key: [id]
cursor: modified
columns:
  - {name: id, source: id, type: bigint, required: true}
  - {name: birthday, source: birthday, type: date)YAML") +
           (required ? ", required: true" : "") + R"YAML(}
  - {name: modified, source: modified, type: timestamptz, required: true}
)YAML";
}

}  // namespace intouch::e2e
