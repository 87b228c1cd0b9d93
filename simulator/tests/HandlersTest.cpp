#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <set>

#include "ApiHandlers.h"
#include "ControlHandlers.h"
#include "RecordBuilder.h"

using namespace intouch::sim;

namespace {

constexpr const char* kAuth = "Basic YXBpOnNlY3JldA==";  // api:secret

class Handlers : public ::testing::Test {
  protected:
    Handlers() : sim_(config(), [] { return int64_t{1800000000}; }), api_(sim_), control_(sim_) {}

    static SimConfig config() {
        SimConfig c;
        c.records = 60;
        c.seed = 3;
        return c;
    }

    SimResponse get(const std::string& path, QueryParams q = {}, bool auth = true) {
        SimRequest r;
        r.path = path;
        r.query = std::move(q);
        if (auth) r.authorization = kAuth;
        return api_.handle(r);
    }

    SimResponse ctl(const std::string& method, const std::string& path, QueryParams q = {}) {
        SimRequest r;
        r.method = method;
        r.path = path;
        r.query = std::move(q);
        return control_.handle(r);
    }

    static Poco::JSON::Object::Ptr obj(const SimResponse& r) {
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    }
    static Poco::JSON::Array::Ptr arr(const SimResponse& r) {
        return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Array::Ptr>();
    }
    static std::vector<int64_t> ids(const Poco::JSON::Array::Ptr& items) {
        std::vector<int64_t> out;
        for (std::size_t i = 0; i < items->size(); ++i)
            out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<int64_t>("id"));
        return out;
    }

    Simulator sim_;
    ApiHandlers api_;
    ControlHandlers control_;
};

}  // namespace

TEST_F(Handlers, AboutNeedsNoAuthAndReportsMaintenance) {
    auto r = get("/api/about", {}, false);
    ASSERT_EQ(r.status, 200);
    auto o = obj(r);
    EXPECT_EQ(o->getValue<int>("mode"), 100);
    EXPECT_EQ(o->getValue<std::string>("timeZone"), "Europe/Prague");
    EXPECT_EQ(o->getArray("version")->size(), 4u);
    ctl("POST", "/_sim/config", {{"maintenance", "1"}});
    EXPECT_EQ(obj(get("/api/about", {}, false))->getValue<int>("mode"), 5);
}

TEST_F(Handlers, EverythingElseNeedsBasicAuth) {
    auto r = get("/api/parties", {}, false);
    EXPECT_EQ(r.status, 401);
    ASSERT_TRUE(r.header("WWW-Authenticate"));
    EXPECT_EQ(*r.header("WWW-Authenticate"), "Basic realm=\"InTouch\"");
    EXPECT_FALSE(obj(r)->getValue<bool>("ok"));
    EXPECT_EQ(get("/api/nonsense", {}, false).status, 401);
    SimRequest wrong;
    wrong.path = "/api/parties";
    wrong.authorization = "Basic YXBpOndyb25n";  // api:wrong
    EXPECT_EQ(api_.handle(wrong).status, 401);
}

TEST_F(Handlers, ForbiddenResourcesAnswer403WithTheErrorBodyAndDoNotMutate) {
    auto cfg = obj(ctl(
        "POST", "/_sim/config",
        {{"forbidden", "comm,comments"}, {"mutate_per_request", "2"}, {"mutate_streams", "comm"}}));
    EXPECT_EQ(cfg->getValue<std::string>("forbidden"), "comm,notes");
    auto r = get("/api/comm", {{"size", "5"}});
    EXPECT_EQ(r.status, 403);
    auto o = obj(r);
    EXPECT_FALSE(o->getValue<bool>("ok"));
    EXPECT_EQ(o->getValue<int>("status"), 403);
    auto problem = o->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<std::string>("level"), "SEVERE");
    EXPECT_EQ(problem->getValue<std::string>("message"),
              "User 'api' has no right to read comm (missing role)");
    EXPECT_EQ(get("/api/comm/1").status, 403);
    EXPECT_EQ(get("/api/notes").status, 403);
    EXPECT_EQ(get("/api/comments").status, 403);
    // Credentials are checked first; unknown paths stay 404.
    EXPECT_EQ(get("/api/comm", {}, false).status, 401);
    EXPECT_EQ(get("/api/comm/1/notes").status, 404);
    EXPECT_EQ(get("/api/parties").status, 200);
    EXPECT_EQ(get("/api/parties/1/notes").status, 200);
    EXPECT_EQ(arr(ctl("GET", "/_sim/dump/comm"))->size(), 60u) << "a refused request mutated";
    ctl("POST", "/_sim/config", {{"forbidden", ""}, {"mutate_per_request", "0"}});
    EXPECT_EQ(get("/api/comm").status, 200);
}

TEST_F(Handlers, RoutingErrors) {
    EXPECT_EQ(get("/api/nonsense").status, 404);
    EXPECT_EQ(get("/api").status, 404);
    EXPECT_EQ(get("/api/parties/abc").status, 404);
    EXPECT_EQ(get("/api/parties/999999").status, 404);
    EXPECT_EQ(get("/api/lists/nope").status, 404);
    EXPECT_EQ(get("/api/comm/1/notes").status, 404);
    SimRequest post;
    post.method = "POST";
    post.path = "/api/parties";
    post.authorization = kAuth;
    auto r = api_.handle(post);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(*r.header("Allow"), "GET");
}

TEST_F(Handlers, PageEnvelopeAsDocumented) {
    auto plain = obj(get("/api/parties", {{"position", "5"}, {"size", "7"}}));
    EXPECT_EQ(plain->getValue<int>("total"), 60);
    EXPECT_EQ(plain->getValue<int>("position"), 5);
    EXPECT_EQ(plain->getValue<int>("size"), 7);
    EXPECT_FALSE(plain->has("orderBy"));
    EXPECT_FALSE(plain->has("desc"));
    EXPECT_EQ(ids(plain->getArray("items")), (std::vector<int64_t>{6, 7, 8, 9, 10, 11, 12}));

    auto sorted =
        obj(get("/api/parties", {{"orderBy", "modified"}, {"desc", "true"}, {"size", "1000"}}));
    EXPECT_EQ(sorted->getValue<std::string>("orderBy"), "modified");
    EXPECT_TRUE(sorted->getValue<bool>("desc"));
    auto items = sorted->getArray("items");
    ASSERT_EQ(items->size(), 60u);
    // The offset text does not sort like the instant across DST; compare parsed instants.
    Poco::Timestamp prev = Poco::Timestamp::TIMEVAL_MAX;
    for (std::size_t i = 0; i < items->size(); ++i) {
        int tzd = 0;
        const auto m = Poco::DateTimeParser::parse(
            Poco::DateTimeFormat::ISO8601_FORMAT,
            items->getObject(static_cast<unsigned>(i))->getValue<std::string>("modified"), tzd);
        const Poco::Timestamp t = m.timestamp() - Poco::Timespan(tzd, 0);
        EXPECT_LE(t, prev);
        prev = t;
    }

    auto beyond = obj(get("/api/parties", {{"position", "60"}}));
    EXPECT_EQ(beyond->getValue<int>("total"), 60);
    EXPECT_EQ(beyond->getArray("items")->size(), 0u);
}

TEST_F(Handlers, BadParametersGiveTheErrorBody) {
    auto r = get("/api/parties", {{"size", "0"}});
    EXPECT_EQ(r.status, 400);
    auto problem = obj(r)->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<std::string>("level"), "SEVERE");
    EXPECT_EQ(problem->getValue<std::string>("field"), "size");
    EXPECT_EQ(obj(r)->getValue<int>("status"), 400);
    EXPECT_EQ(get("/api/parties", {{"orderBy", "nosuchfield"}}).status, 400);
    EXPECT_EQ(get("/api/parties", {{"orderBy", "contacts"}}).status, 400);
    EXPECT_EQ(get("/api/comments", {{"orderBy", "note"}}).status, 400);
    EXPECT_EQ(get("/api/comments", {{"orderBy", "comment"}}).status, 200);
    EXPECT_EQ(get("/api/buscases", {{"caseType", "x"}}).status, 400);
    EXPECT_EQ(get("/api/buscases", {{"orderBy", "technician"}}).status, 400);
    EXPECT_EQ(get("/api/buscases", {{"orderBy", "technician"}, {"caseType", "2"}}).status, 200);
}

TEST_F(Handlers, EpochMsSortOrderMatchesTheApi) {
    // Walk all pages sorted by modified and compare against the instants from a raw sort.
    std::vector<int64_t> viaPages;
    for (int pos = 0; pos < 60; pos += 7) {
        auto page =
            obj(get("/api/parties",
                    {{"orderBy", "modified"}, {"position", std::to_string(pos)}, {"size", "7"}}));
        auto v = ids(page->getArray("items"));
        viaPages.insert(viaPages.end(), v.begin(), v.end());
    }
    auto all = sim_.list({Resource::Parties,
                          nullptr,
                          {fieldIndex(Resource::Parties, "modified"), false},
                          0,
                          1000,
                          false});
    std::vector<int64_t> expected;
    for (const auto& r : all.items) expected.push_back(r->id);
    EXPECT_EQ(viaPages, expected);
    for (std::size_t i = 1; i < all.items.size(); ++i) {
        EXPECT_LE(compareValues(all.items[i - 1]->values[fieldIndex(Resource::Parties, "modified")],
                                all.items[i]->values[fieldIndex(Resource::Parties, "modified")]),
                  0);
    }
}

TEST_F(Handlers, SingleRecordsAndCommentsNaming) {
    auto party = obj(get("/api/parties/3"));
    EXPECT_EQ(party->getValue<int>("id"), 3);
    EXPECT_TRUE(party->has("contacts"));
    auto note = obj(get("/api/notes/2"));
    auto comment = obj(get("/api/comments/2"));
    EXPECT_TRUE(note->has("note"));
    EXPECT_FALSE(note->has("comment"));
    EXPECT_TRUE(comment->has("comment"));
    EXPECT_EQ(note->getValue<std::string>("note"), comment->getValue<std::string>("comment"));
}

TEST_F(Handlers, BuscaseTypesSelectFieldSets) {
    auto common = obj(get("/api/buscases", {{"size", "1000"}}));
    EXPECT_EQ(common->getValue<int>("total"), 30);
    for (std::size_t i = 0; i < common->getArray("items")->size(); ++i) {
        auto item = common->getArray("items")->getObject(static_cast<unsigned>(i));
        EXPECT_FALSE(item->has("deliveryMethod") || item->has("technician") ||
                     item->has("projectCode"));
        EXPECT_TRUE(item->has("items"));
    }
    int typed = 0;
    for (int t = 1; t <= 3; ++t) {
        auto page = obj(get("/api/buscases", {{"caseType", std::to_string(t)}, {"size", "1000"}}));
        typed += page->getValue<int>("total");
        auto items = page->getArray("items");
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto item = items->getObject(static_cast<unsigned>(i));
            EXPECT_EQ(item->getValue<int>("caseType"), t);
            const char* typeField = t == 1   ? "deliveryMethod"
                                    : t == 2 ? "serviceLevel"
                                             : "projectCode";
            EXPECT_TRUE(item->has(typeField));
        }
    }
    EXPECT_EQ(typed, 30);
}

TEST_F(Handlers, NestedNotesBelongToTheParty) {
    auto all = arr(ctl("GET", "/_sim/dump/notes"));
    ASSERT_GT(all->size(), 0u);
    const int64_t party = all->getObject(0)->getValue<int64_t>("srcId");
    std::set<int64_t> expected;
    for (std::size_t i = 0; i < all->size(); ++i) {
        auto n = all->getObject(static_cast<unsigned>(i));
        if (n->getValue<int64_t>("srcId") == party) expected.insert(n->getValue<int64_t>("id"));
    }
    auto nested = obj(get("/api/parties/" + std::to_string(party) + "/notes", {{"size", "1000"}}));
    auto got = ids(nested->getArray("items"));
    EXPECT_EQ(std::set<int64_t>(got.begin(), got.end()), expected);
    auto filtered = obj(get(
        "/api/notes", {{"srcType", "party"}, {"srcId", std::to_string(party)}, {"size", "1000"}}));
    EXPECT_EQ(filtered->getValue<std::size_t>("total"), expected.size());
    EXPECT_EQ(get("/api/parties/99999/notes").status, 404);
}

TEST_F(Handlers, FilesComeAllAtOnceNewestFirst) {
    auto page = obj(get("/api/files", {{"size", "2"}}));
    EXPECT_EQ(page->getValue<int>("total"), 15);
    EXPECT_EQ(page->getValue<int>("size"), 15);
    EXPECT_EQ(page->getValue<int>("position"), 0);
    EXPECT_EQ(page->getValue<std::string>("orderBy"), "modified");
    EXPECT_TRUE(page->getValue<bool>("desc"));
    EXPECT_EQ(page->getArray("items")->size(), 15u);
    EXPECT_FALSE(page->getArray("items")->getObject(0)->has("body"));
}

TEST_F(Handlers, MembersAndListsShapes) {
    auto members = obj(get("/api/members"));
    const int total = members->getValue<int>("total");
    EXPECT_EQ(total, 20);
    EXPECT_EQ(members->getValue<int>("size"), total);
    auto items = members->getArray("items");
    for (std::size_t i = 1; i < items->size(); ++i) {
        auto a = items->getObject(static_cast<unsigned>(i - 1)),
             b = items->getObject(static_cast<unsigned>(i));
        EXPECT_LE(a->getValue<int64_t>("org"), b->getValue<int64_t>("org"));
    }
    auto lists = arr(get("/api/lists"));
    EXPECT_GE(lists->size(), 8u);
    auto countries = obj(get("/api/lists/countries"));
    EXPECT_TRUE(countries->getValue<bool>("locked"));
    EXPECT_EQ(countries->getArray("items")->getObject(0)->getValue<std::string>("name"), "CZ");
}

TEST_F(Handlers, DumpMatchesAFullExport) {
    std::vector<int64_t> exported;
    for (int pos = 0;; pos += 25) {
        auto page = obj(get("/api/parties", {{"position", std::to_string(pos)}, {"size", "25"}}));
        auto v = ids(page->getArray("items"));
        if (v.empty()) break;
        exported.insert(exported.end(), v.begin(), v.end());
    }
    auto dump = ctl("GET", "/_sim/dump/parties");
    EXPECT_EQ(ids(arr(dump)), exported);
    EXPECT_EQ(ctl("GET", "/_sim/dump/unicorns").status, 404);
    EXPECT_EQ(ctl("POST", "/_sim/dump/parties").status, 405);
}

TEST_F(Handlers, MutateEndpointChangesWhatTheApiServes) {
    auto res = obj(ctl(
        "POST", "/_sim/mutate",
        {{"stream", "parties"}, {"edits", "2"}, {"inserts", "1"}, {"deletes", "1"}, {"tie", "1"}}));
    auto edited = res->getArray("edited");
    auto inserted = res->getArray("inserted");
    auto deleted = res->getArray("deleted");
    ASSERT_EQ(edited->size(), 2u);
    ASSERT_EQ(inserted->size(), 1u);
    ASSERT_EQ(deleted->size(), 1u);
    EXPECT_EQ(inserted->getElement<int64_t>(0), 61);
    EXPECT_EQ(get("/api/parties/" + std::to_string(deleted->getElement<int64_t>(0))).status, 404);
    auto newest =
        obj(get("/api/parties", {{"orderBy", "modified"}, {"desc", "true"}, {"size", "3"}}))
            ->getArray("items");
    std::set<int64_t> top;
    for (std::size_t i = 0; i < 3; ++i)
        top.insert(newest->getObject(static_cast<unsigned>(i))->getValue<int64_t>("id"));
    EXPECT_TRUE(top.count(61));
    EXPECT_TRUE(top.count(edited->getElement<int64_t>(0)));
    EXPECT_EQ(newest->getObject(0)->getValue<std::string>("modified"), "2027-01-15T09:00:00+01:00");
    EXPECT_EQ(obj(get("/api/parties"))->getValue<int>("total"), 60);
    EXPECT_EQ(ctl("POST", "/_sim/mutate", {{"stream", "nope"}}).status, 400);
    EXPECT_EQ(ctl("POST", "/_sim/mutate", {{"stream", "parties"}, {"edits", "-1"}}).status, 400);
}

TEST_F(Handlers, PerRequestMutationsHappenBeforeThePage) {
    ctl("POST", "/_sim/config",
        {{"mutate_per_request", "3"},
         {"mutate_streams", "comm"},
         {"edit_weight", "0"},
         {"delete_weight", "0"}});
    EXPECT_EQ(obj(get("/api/parties"))->getValue<int>("total"), 60);  // not a mutated stream
    EXPECT_EQ(obj(get("/api/comm"))->getValue<int>("total"), 63);
    EXPECT_EQ(obj(get("/api/comm"))->getValue<int>("total"), 66);
    EXPECT_EQ(obj(get("/api/comm/64")).isNull(), false);
    EXPECT_EQ(arr(ctl("GET", "/_sim/dump/comm"))->size(), 66u);  // dumps do not mutate
    auto stats = obj(ctl("GET", "/_sim/stats"));
    EXPECT_EQ(stats->getObject("mutations")->getValue<int>("inserted"), 6);
}

TEST_F(Handlers, ConfigAndResetControl) {
    auto bad = ctl("POST", "/_sim/config", {{"fault_429", "2"}});
    EXPECT_EQ(bad.status, 400);
    auto cfg = obj(ctl("POST", "/_sim/config", {{"shuffle_ties", "1"}}));
    EXPECT_TRUE(cfg->getValue<bool>("shuffle_ties"));
    EXPECT_EQ(cfg->getObject("fixed")->getValue<int>("records"), 60);
    auto before = get("/api/parties/1").body;
    auto reset = obj(ctl("POST", "/_sim/reset", {{"seed", "4"}, {"records", "10"}}));
    EXPECT_EQ(reset->getObject("counts")->getValue<int>("parties"), 10);
    EXPECT_NE(get("/api/parties/1").body, before);
    EXPECT_EQ(obj(get("/api/parties"))->getValue<int>("total"), 10);
    ctl("POST", "/_sim/reset", {{"seed", "3"}, {"records", "60"}});
    EXPECT_EQ(get("/api/parties/1").body, before);
    EXPECT_EQ(ctl("GET", "/_sim/reset").status, 405);
    EXPECT_EQ(ctl("GET", "/_sim/nothing").status, 404);
}

TEST_F(Handlers, ClockIsAheadOfAllGeneratedData) {
    auto c = obj(ctl("GET", "/_sim/clock"));
    EXPECT_EQ(c->getValue<int64_t>("epoch_seconds"), 1800000000);
    EXPECT_EQ(c->getValue<std::string>("http_date"), "Fri, 15 Jan 2027 08:00:00 GMT");
}

TEST_F(Handlers, SetEndpointPutsExactBytesIntoAField) {
    // A NUL goes out as the \u0000 escape, a byte that is not UTF-8 goes out raw.
    auto set = ctl("POST", "/_sim/set",
                   {{"stream", "parties"},
                    {"id", "7"},
                    {"field", "comment"},
                    {"value", std::string("a\0b\xFF", 4)}});
    ASSERT_EQ(set.status, 200) << set.body;
    const std::string served = get("/api/parties/7").body;
    EXPECT_NE(served.find("\"comment\":\"a\\u0000b\xFF\""), std::string::npos) << served;
    EXPECT_EQ(set.body, served);
    const std::string page = get("/api/parties", {{"position", "6"}, {"size", "1"}}).body;
    EXPECT_NE(page.find("\"comment\":\"a\\u0000b\xFF\""), std::string::npos) << page;

    // json= is written verbatim, e.g. a member name holding an escape.
    ASSERT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"},
                   {"id", "7"},
                   {"field", "customFields"},
                   {"json", "{\"x\\u0000\":1}"}})
                  .status,
              200);
    EXPECT_NE(get("/api/parties/7").body.find("\"customFields\":{\"x\\u0000\":1}"),
              std::string::npos);

    // Without touch, modified stays; with it, it is the clock's now.
    const std::string before = obj(get("/api/parties/8"))->getValue<std::string>("modified");
    ctl("POST", "/_sim/set",
        {{"stream", "parties"}, {"id", "8"}, {"field", "name"}, {"value", "x"}});
    EXPECT_EQ(obj(get("/api/parties/8"))->getValue<std::string>("modified"), before);
    ctl("POST", "/_sim/set",
        {{"stream", "parties"}, {"id", "8"}, {"field", "name"}, {"value", "y"}, {"touch", "1"}});
    EXPECT_EQ(obj(get("/api/parties/8"))->getValue<std::string>("modified"),
              "2027-01-15T09:00:00+01:00");

    EXPECT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"}, {"id", "999"}, {"field", "name"}, {"value", "x"}})
                  .status,
              404);
    EXPECT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"}, {"id", "7"}, {"field", "nope"}, {"value", "x"}})
                  .status,
              400);
    EXPECT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"}, {"id", "7"}, {"field", "id"}, {"value", "x"}})
                  .status,
              400);
    EXPECT_EQ(
        ctl("POST", "/_sim/set", {{"stream", "parties"}, {"id", "7"}, {"field", "name"}}).status,
        400);
    EXPECT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "members"}, {"id", "1"}, {"field", "priority"}, {"value", "1"}})
                  .status,
              400);
    EXPECT_EQ(ctl("GET", "/_sim/set").status, 405);
}

// Answer shapes the docs leave open (issue 10): each knob changes exactly what it names.
TEST_F(Handlers, ShapeKnobPagesMembersAndFilesWithTheDefaultSize) {
    const int allMembers = obj(get("/api/members"))->getValue<int>("total");
    const int allFiles = obj(get("/api/files"))->getValue<int>("total");
    ASSERT_GT(allMembers, 0);
    ASSERT_GT(allFiles, 0);
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"page_members_files", "1"}}).status, 200);
    auto m = obj(get("/api/members"));
    EXPECT_EQ(m->getValue<int>("total"), allMembers);
    EXPECT_EQ(m->getArray("items")->size(), std::min<std::size_t>(20, allMembers));
    EXPECT_EQ(m->getValue<int>("size"), 20);
    auto m2 = obj(get("/api/members", {{"position", "3"}, {"size", "2"}}));
    EXPECT_EQ(m2->getValue<int>("position"), 3);
    ASSERT_EQ(m2->getArray("items")->size(), 2u);
    // Position 3 of the (org, member) order.
    auto first = obj(get("/api/members", {{"position", "0"}, {"size", "5"}}))->getArray("items");
    EXPECT_EQ(m2->getArray("items")->getObject(0)->getValue<int64_t>("member"),
              first->getObject(3)->getValue<int64_t>("member"));
    auto f = obj(get("/api/files", {{"position", "1"}, {"size", "3"}}));
    EXPECT_EQ(f->getValue<int>("total"), allFiles);
    EXPECT_EQ(f->getArray("items")->size(), 3u);
    EXPECT_EQ(f->getValue<std::string>("orderBy"), "modified");
    EXPECT_EQ(get("/api/files", {{"size", "0"}}).status, 400);
}

TEST_F(Handlers, ShapeKnobListsWithoutItems) {
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"lists_without_items", "1"}}).status, 200);
    auto lists = arr(get("/api/lists"));
    ASSERT_EQ(lists->size(), 10u);
    EXPECT_FALSE(lists->getObject(0)->has("items"));
    EXPECT_TRUE(lists->getObject(0)->has("name"));
    EXPECT_TRUE(obj(get("/api/lists/countries"))->getArray("items")->size() > 0);
    EXPECT_EQ(get("/api/lists/vanished").status, 404);
    // A list deleted right after the array named it.
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"vanished_lists", "countries,units"}}).status, 200);
    EXPECT_EQ(arr(get("/api/lists"))->size(), 10u);
    EXPECT_EQ(get("/api/lists/countries").status, 404);
    EXPECT_EQ(get("/api/lists/currencies").status, 200);
    EXPECT_EQ(arr(ctl("GET", "/_sim/dump/lists"))->size(), 8u);
}

TEST_F(Handlers, ShapeKnobsCapSizeOmitTotalIgnoreOrderAndPosition) {
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"size_cap", "7"}}).status, 200);
    auto capped = obj(get("/api/parties", {{"size", "50"}}));
    EXPECT_EQ(capped->getArray("items")->size(), 7u);
    EXPECT_EQ(capped->getValue<int>("total"), 60);

    ASSERT_EQ(ctl("POST", "/_sim/config", {{"size_cap", "0"}, {"omit_total", "comm"}}).status, 200);
    EXPECT_FALSE(obj(get("/api/comm"))->has("total"));
    EXPECT_TRUE(obj(get("/api/parties"))->has("total"));

    ASSERT_EQ(ctl("POST", "/_sim/config", {{"omit_total", ""}, {"ignore_order_by", "parties"}})
                  .status,
              200);
    auto byId = ids(obj(get("/api/parties", {{"orderBy", "modified"}, {"size", "60"}}))->getArray("items"));
    std::vector<int64_t> ascending(60);
    for (int i = 0; i < 60; ++i) ascending[static_cast<std::size_t>(i)] = i + 1;
    EXPECT_EQ(byId, ascending);

    ASSERT_EQ(ctl("POST", "/_sim/config", {{"ignore_order_by", ""}, {"ignore_position", "parties"}})
                  .status,
              200);
    auto again = obj(get("/api/parties", {{"position", "40"}, {"size", "5"}}));
    EXPECT_EQ(again->getValue<int>("position"), 0);
    EXPECT_EQ(ids(again->getArray("items")), (std::vector<int64_t>{1, 2, 3, 4, 5}));
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"ignore_position", ""}, {"total_excess", "5"}}).status, 200);
    auto over = obj(get("/api/parties", {{"position", "55"}, {"size", "10"}}));
    EXPECT_EQ(over->getValue<int>("total"), 65);
    EXPECT_EQ(over->getArray("items")->size(), 5u);
    ASSERT_EQ(ctl("POST", "/_sim/config", {{"total_excess", "0"}, {"ignore_position", "parties"}}).status, 200);
    auto cfg = obj(ctl("GET", "/_sim/config"));
    EXPECT_EQ(cfg->getValue<std::string>("ignore_position"), "parties");
    EXPECT_EQ(cfg->getValue<int>("size_cap"), 0);
}

TEST_F(Handlers, SetEpochStampsARecordInTheFuture) {
    // 2099-01-01T00:00:00Z: sorted by instant, so it is the last record by modified.
    ASSERT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"}, {"id", "9"}, {"field", "modified"}, {"epoch", "4070908800"}})
                  .status,
              200);
    EXPECT_EQ(obj(get("/api/parties/9"))->getValue<std::string>("modified"),
              "2099-01-01T01:00:00+01:00");
    auto last = obj(get("/api/parties", {{"orderBy", "modified"}, {"position", "59"}, {"size", "1"}}));
    EXPECT_EQ(ids(last->getArray("items")), (std::vector<int64_t>{9}));
    EXPECT_EQ(ctl("POST", "/_sim/set",
                  {{"stream", "parties"}, {"id", "9"}, {"field", "modified"}, {"epoch", "soon"}})
                  .status,
              400);
}
