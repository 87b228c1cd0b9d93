#pragma once
// The test's own mapping set that uses every feature of the mapping language, and the
// expected rows of its tables computed from the simulator's records.
//
// Streams (all in the test's temp mappings directory):
//   parties        -> crm_parties (+ crm_parties_contacts, crm_parties_contact_json):
//                     map with ~ and default, transforms, array index, filtered element,
//                     quoted path member, custom fields, jsonb, timestamp and timestamptz of
//                     one field, text[]/bigint[] defaults, date default, child tables with
//                     `$.type` and `$`, child `extra`, `keep_raw`, `extra: true`
//   parties_flat   -> crm_parties_flat: a second stream on the same endpoint without child
//                     tables, `extra: leftover` (named), so the rules for what a filtered or
//                     indexed path consumes show in the leftover
//   comm           -> crm_comm: time, dates, `extra: false`, `ambiguous_time`, non-strict map
//   opportunities  -> crm_opportunities: numeric(14,2), numeric(10,1) (rounding), numeric,
//                     double, number-keyed map, transforms before a strict map
//   service_cases  -> crm_service_cases: endpoint buscases with `params: {caseType: 2}`
//   members        -> crm_members: full_replace, unpaged, two-column key, upper
//   lists          -> crm_lists (+ crm_lists_items): full_replace, `paging: array`, text key

#include <string>
#include <vector>

#include "E2eWorld.hpp"
#include "ExpectedTable.hpp"
#include "common/Json.hpp"

namespace intouch::e2e {

struct MappingFile {
    std::string file;
    std::string yaml;
};

std::vector<MappingFile> featureMappings();
// A small parties mapping (id, birthday, modified) whose birthday is required or not: the
// simulator leaves some birthdays null, so the two disagree about some records.
std::string birthdayMapping(bool required);
void writeFeatureMappings(const E2eWorld& w);
// Every table the feature mappings create, parents and children.
std::vector<std::string> featureTables();

// The simulator's records of every stream the feature mappings read.
struct SourceData {
    json::Value parties;
    json::Value comm;
    json::Value opportunities;
    json::Value serviceCases;  // /_sim/dump/buscases?caseType=2
    json::Value members;
    json::Value lists;
};
SourceData loadSource(const E2eWorld& w);

// Expected rows of every table, in featureTables() order.
std::vector<ExpectedTable> expectedFeatureTables(const SourceData& d, DateFormat f);
// Only the parties tables (crm_parties and its two child tables).
std::vector<ExpectedTable> expectedPartiesTables(const json::Value& parties, DateFormat f);

// Compares every table; returns all differences (empty when everything matches).
std::vector<std::string> compareAll(const E2eWorld& w, const std::vector<ExpectedTable>& tables);

// Records of a dump matching pred.
template <class Pred>
long countIf(const json::Value& records, Pred pred) {
    long n = 0;
    for (const auto& r : records.items())
        if (pred(r)) ++n;
    return n;
}

}  // namespace intouch::e2e
