// Issue 17, history: `history: true` keeps every version of a record in <table>_history.
// The version chain of each record is checked against what the CRM (the simulator) held at
// each run: one version per distinct content, valid_to of each = valid_from of the next,
// the last one open while the record lives and closed when it is deleted; the child rows of
// every version are versioned with it; a SIGKILL at any moment leaves no gap and no
// duplicate; <table>_as_of(t) answers "as of" queries.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "support/PgQuery.hpp"

namespace intouch::itest {
namespace {

namespace pg = intouch::testsupport::pg;
using namespace std::chrono_literals;

struct Version {
    std::string hash, validFrom, validTo;  // validTo "" while open
};

// parties_history by id, oldest first.
std::map<std::string, std::vector<Version>> historyOf(const SyncWorld& w) {
    std::map<std::string, std::vector<Version>> out;
    for (const auto& row : pg::queryRows(
             w.dsn(),
             "SELECT id::text, record_hash, valid_from::text, coalesce(valid_to::text, '') "
             "FROM intouch.parties_history ORDER BY id, valid_from, history_id"))
        out[*row[0]].push_back({*row[1], *row[2], *row[3]});
    return out;
}

// Every record's versions form one unbroken line: no two consecutive versions with the same
// content (a duplicate), each closed at the next one's start (no gap, no overlap), only the
// last one open. Returns a description of the first break, "" when there is none.
std::string brokenChain(const std::map<std::string, std::vector<Version>>& history) {
    for (const auto& [id, versions] : history) {
        for (std::size_t i = 0; i < versions.size(); ++i) {
            const bool last = i + 1 == versions.size();
            if (!last && versions[i].validTo != versions[i + 1].validFrom)
                return "id " + id + ": version " + std::to_string(i) + " ends at '" + versions[i].validTo +
                       "', the next starts at " + versions[i + 1].validFrom;
            if (!last && versions[i].hash == versions[i + 1].hash)
                return "id " + id + ": versions " + std::to_string(i) + " and " + std::to_string(i + 1) +
                       " have the same content (a duplicate)";
        }
    }
    return "";
}

std::vector<std::string> hashesOf(const std::vector<Version>& versions) {
    std::vector<std::string> out;
    for (const auto& v : versions) out.push_back(v.hash);
    return out;
}

long count(const SyncWorld& w, const std::string& sql) {
    return pg::queryScalar<long>(w.dsn(), sql);
}

// Parties whose open version is not the row itself (without its bookkeeping) at its
// `modified`.
long rowsUnlikeTheirVersion(const SyncWorld& w) {
    return count(w, "SELECT count(*) FROM intouch.parties p JOIN intouch.parties_history h USING (id) "
                    "WHERE to_jsonb(p) - 'synced_at' - 'deleted_at' "
                    "   <> to_jsonb(h) - 'history_id' - 'valid_from' - 'valid_to' "
                    "   OR h.valid_from <> p.modified OR h.valid_to IS NOT NULL");
}

// Contacts whose open version is not the contact row with its parent's hash and `modified`.
long contactsUnlikeTheirVersion(const SyncWorld& w) {
    return count(w, "SELECT count(*) FROM intouch.parties_contacts c "
                    "JOIN intouch.parties_contacts_history h USING (parent_id, idx) "
                    "JOIN intouch.parties p ON p.id = c.parent_id "
                    "WHERE to_jsonb(c) <> to_jsonb(h) - 'history_id' - 'record_hash' - 'valid_from' - 'valid_to' "
                    "   OR h.record_hash <> p.record_hash OR h.valid_from <> p.modified "
                    "   OR h.valid_to IS NOT NULL");
}

SyncWorld partiesWorld(int records) {
    SimSettings sim;
    sim.records = records;
    ConfigSettings config;
    config.pageSize = 40;
    return SyncWorld(sim, config);
}

TEST(History, EditsAcrossRunsGiveTheExactVersionChainAndDeletionsCloseTheLast) {
    SyncWorld w = partiesWorld(200);
    ASSERT_EQ(w.migrate().exitCode, 0);

    // What the CRM held at each run, as the chain each record's history must equal.
    std::map<std::string, std::vector<std::string>> expected;
    std::string beforeEdits;
    for (int run = 0; run < 4; ++run) {
        if (run > 0) {
            if (run == 1) beforeEdits = *pg::queryScalarText(w.dsn(), "SELECT now()::text");
            std::this_thread::sleep_for(1100ms);  // the simulator stamps whole seconds
            w.simPost("/_sim/mutate?stream=parties&edits=30");
            std::this_thread::sleep_for(1100ms);
        }
        auto r = w.sync({"--stream", "parties"});
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        for (const auto& [key, rec] : sourceRecords(w.sim(), "parties")) {
            auto& chain = expected[key];
            if (chain.empty() || chain.back() != rec.hash) chain.push_back(rec.hash);
        }
        const auto history = historyOf(w);
        ASSERT_EQ(history.size(), expected.size()) << "run " << run;
        for (const auto& [key, chain] : expected) {
            ASSERT_TRUE(history.count(key)) << "no history for id " << key;
            EXPECT_EQ(hashesOf(history.at(key)), chain) << "id " << key << " after run " << run;
            EXPECT_EQ(history.at(key).back().validTo, "") << "id " << key << ": the current version is closed";
        }
        EXPECT_EQ(brokenChain(history), "");
    }
    long edited = 0;
    for (const auto& [key, chain] : expected) edited += chain.size() > 1;
    EXPECT_GT(edited, 30) << "the edits must have made versions for the test to mean anything";
    // Each version's valid_from is the record's `modified` at that version.
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties p JOIN intouch.parties_history h "
                           "ON h.id = p.id AND h.valid_to IS NULL WHERE h.valid_from <> p.modified"),
              0);
    // The children of the open version are the child table's rows, with the parent's hash.
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_contacts_history WHERE valid_to IS NULL"),
              count(w, "SELECT count(*) FROM intouch.parties_contacts"));
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_contacts_history c JOIN intouch.parties p "
                           "ON p.id = c.parent_id WHERE c.valid_to IS NULL AND c.record_hash <> p.record_hash"),
              0);
    // As of before the edits, every record is at its first version.
    for (const auto& row : pg::queryRows(
             w.dsn(), "SELECT id::text, record_hash FROM intouch.parties_as_of('" + beforeEdits + "')")) {
        EXPECT_EQ(*row[1], expected.at(*row[0]).front()) << "as of " << beforeEdits << ", id " << *row[0];
    }
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_as_of('" + beforeEdits + "')"),
              static_cast<long>(expected.size()));

    // A deletion found by reconcile closes the record's last version; nothing stays open.
    const json::Value deleted = w.simPost("/_sim/mutate?stream=parties&deletes=5");
    auto rec = w.reconcile({"--stream", "parties"});
    ASSERT_EQ(rec.exitCode, 0) << rec.describe();
    const auto history = historyOf(w);
    for (const json::Value& id : deleted.find("deleted")->items()) {
        const auto& versions = history.at(id.numberText());
        EXPECT_NE(versions.back().validTo, "") << "deleted id " << id.numberText() << " still has an open version";
    }
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history WHERE valid_to IS NULL"),
              count(w, "SELECT count(*) FROM intouch.parties WHERE deleted_at IS NULL"));
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_contacts_history h WHERE h.valid_to IS NULL "
                           "AND h.parent_id IN (SELECT id FROM intouch.parties WHERE deleted_at IS NOT NULL)"),
              0);
    EXPECT_EQ(brokenChain(history), "");
}

// The first sync COPYs each record's first version straight from the page (issue 14),
// instead of reading the rows back from the table: every version must be exactly the row
// the table holds (every mapped column, extra, record_hash), valid_from the row's
// `modified`, and the children's versions exactly the child rows, with the parent's hash.
TEST(History, AFirstSyncsVersionsAreExactlyTheRowsTheTableHolds) {
    SyncWorld w = partiesWorld(300);
    ASSERT_EQ(w.migrate().exitCode, 0);
    auto r = w.sync({"--stream", "parties"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();
    ASSERT_NE(r.stderrText.find("rows are copied straight in"), std::string::npos)
        << "the first sync did not take the direct path: the test proves nothing\n" << r.describe();
    const long rows = count(w, "SELECT count(*) FROM intouch.parties");
    ASSERT_EQ(rows, 300);
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history"), rows);
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history WHERE valid_to IS NULL"), rows);
    // Row for row: the table's row without its bookkeeping is the version without its own.
    EXPECT_EQ(rowsUnlikeTheirVersion(w), 0);
    const long children = count(w, "SELECT count(*) FROM intouch.parties_contacts");
    ASSERT_GT(children, 0) << "no contacts: the children's versions are not tested";
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_contacts_history"), children);
    EXPECT_EQ(contactsUnlikeTheirVersion(w), 0);

    // And the chain goes on from those versions as from any other.
    std::this_thread::sleep_for(1100ms);
    w.simPost("/_sim/mutate?stream=parties&edits=20");
    std::this_thread::sleep_for(1100ms);
    auto next = w.sync({"--stream", "parties"});
    ASSERT_EQ(next.exitCode, 0) << next.describe();
    EXPECT_EQ(brokenChain(historyOf(w)), "");
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history"), rows + 20);
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history WHERE valid_to IS NULL"), rows);
}

// A full refresh swaps the whole table in: records that changed get a version, unchanged
// ones none, and records gone from the CRM are closed.
TEST(History, AFullRefreshVersionsOnlyWhatChangedAndClosesWhatVanished) {
    SyncWorld w = partiesWorld(150);
    ASSERT_EQ(w.migrate().exitCode, 0);
    ASSERT_EQ(w.sync({"--stream", "parties"}).exitCode, 0);
    const auto before = sourceRecords(w.sim(), "parties");
    const long versionsBefore = count(w, "SELECT count(*) FROM intouch.parties_history");
    ASSERT_EQ(versionsBefore, static_cast<long>(before.size()));

    std::this_thread::sleep_for(1100ms);
    w.simPost("/_sim/mutate?stream=parties&edits=20&deletes=4");
    auto r = w.sync({"--stream", "parties", "--full-refresh"});
    ASSERT_EQ(r.exitCode, 0) << r.describe();

    const auto after = sourceRecords(w.sim(), "parties");
    long changed = 0, vanished = 0;
    for (const auto& [key, rec] : before) {
        auto it = after.find(key);
        if (it == after.end())
            ++vanished;
        else if (it->second.hash != rec.hash)
            ++changed;
    }
    ASSERT_GT(changed, 0);
    ASSERT_GT(vanished, 0);
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history"), versionsBefore + changed);
    EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history WHERE valid_to IS NULL"),
              static_cast<long>(after.size()));
    const auto history = historyOf(w);
    EXPECT_EQ(brokenChain(history), "");
    for (const auto& [key, rec] : after) {
        ASSERT_TRUE(history.count(key)) << "no history for id " << key;
        EXPECT_EQ(history.at(key).back().hash, rec.hash) << "id " << key;
    }
}

TEST(History, KilledRunsUnderEditsLeaveNoGapAndNoDuplicateVersion) {
    SimSettings sim;
    sim.records = 300;
    sim.mutatePerRequest = 3;
    ConfigSettings config;
    config.pageSize = 25;
    SyncWorld w(sim, config);
    ASSERT_EQ(w.migrate().exitCode, 0);
    std::mt19937 rng(17);
    int kills = 0;
    for (int i = 0; i < 6; ++i) {
        auto child = w.startSync({"--stream", "parties"});
        const auto after = std::chrono::milliseconds(50 + rng() % 400);
        if (!child->wait(after)) {
            child->kill();
            const auto code = child->wait(10s);
            ASSERT_TRUE(code.has_value());
            kills += *code == 128 + SIGKILL;
        }
    }
    // The CRM stops changing; one more run catches up.
    w.setKnobs("mutate_per_request=0");
    std::this_thread::sleep_for(1100ms);
    auto last = w.sync({"--stream", "parties"});
    ASSERT_EQ(last.exitCode, 0) << last.describe();
    // The simulator's mutations delete records too: reconcile finds them.
    auto rec = w.reconcile({"--stream", "parties"});
    ASSERT_EQ(rec.exitCode, 0) << rec.describe();
    EXPECT_GT(kills, 0) << "no run was killed: the test proved nothing";

    const auto history = historyOf(w);
    EXPECT_EQ(brokenChain(history), "");
    const auto source = sourceRecords(w.sim(), "parties");
    for (const auto& [key, rec] : source) {
        ASSERT_TRUE(history.count(key)) << "no history for id " << key;
        EXPECT_EQ(history.at(key).back().hash, rec.hash) << "id " << key << ": the open version is not the current";
        EXPECT_EQ(history.at(key).back().validTo, "") << "id " << key;
    }
    for (const auto& [key, versions] : history) {
        if (!source.count(key)) {
            EXPECT_NE(versions.back().validTo, "") << "deleted id " << key << " is still open";
        }
    }
}

// A first sync writes its versions at the end of the stream (migrations/0005): killed
// before that (or stopped: SIGTERM does not wait for them), its rows wait for theirs, and
// `status` says so. Whatever writes the stream's tables next -- a run with nothing new, a
// reconcile, a full refresh -- writes them first: every record ends with exactly one
// version, at its `modified`, children included.
TEST(History, AKilledFirstSyncsVersionsAreWrittenByWhateverWritesTheStreamNext) {
    struct Case {
        int signal;
        std::vector<std::string> next;
    };
    const std::vector<Case> cases = {{SIGKILL, {"sync", "--stream", "parties"}},
                                     {SIGKILL, {"reconcile", "--stream", "parties"}},
                                     {SIGKILL, {"sync", "--stream", "parties", "--full-refresh"}},
                                     {SIGTERM, {"sync", "--stream", "parties"}}};
    for (const auto& [signal, next] : cases) {
        SCOPED_TRACE(std::string(strsignal(signal)) + ", then " + next[0] +
                     (next.size() > 3 ? " " + next[3] : ""));
        SimSettings sim;
        sim.records = 3000;
        ConfigSettings config;
        config.pageSize = 20;
        SyncWorld w(sim, config);
        ASSERT_EQ(w.migrate().exitCode, 0);
        auto child = w.startSync({"--stream", "parties"});
        const bool committed = pollUntil(
            [&] { return count(w, "SELECT count(*) FROM intouch.sync_state WHERE stream = 'parties'") > 0; },
            60s, 5ms);
        ASSERT_TRUE(committed) << "no page was committed within a minute";
        if (signal == SIGKILL)
            child->kill();
        else
            child->terminate();
        const auto code = child->wait(30s);
        ASSERT_TRUE(code.has_value());
        // SIGTERM: exit 8, interrupted (docs/operations.md).
        ASSERT_EQ(*code, signal == SIGKILL ? 128 + SIGKILL : 8)
            << "the first sync ended before it was signalled: the test proved nothing";
        const long rows = count(w, "SELECT count(*) FROM intouch.parties");
        ASSERT_GT(rows, 0);
        ASSERT_LT(rows, 3000);
        // What the kill left: rows without versions, and the mark that they are owed.
        EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.sync_versions_owed WHERE stream = 'parties'"), 1);
        EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history"), 0);
        const RunResult status = w.run("status");
        ASSERT_EQ(status.exitCode, 0) << status.describe();
        EXPECT_NE(status.stdoutText.find("parties: the first versions of its rows are not written yet"),
                  std::string::npos)
            << status.stdoutText;

        std::vector<std::string> args(next.begin() + 1, next.end());
        auto r = next[0] == "reconcile" ? w.reconcile(args) : w.sync(args);
        ASSERT_EQ(r.exitCode, 0) << r.describe();
        ASSERT_EQ(count(w, "SELECT count(*) FROM intouch.parties"), 3000);
        EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.sync_versions_owed"), 0);
        // One version per record (nothing was edited), open, at the record's modified, equal
        // to the row; the contacts' versions are the contact rows with their parent's hash.
        EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_history"), 3000);
        EXPECT_EQ(rowsUnlikeTheirVersion(w), 0);
        const long contacts = count(w, "SELECT count(*) FROM intouch.parties_contacts");
        ASSERT_GT(contacts, 0);
        EXPECT_EQ(count(w, "SELECT count(*) FROM intouch.parties_contacts_history"), contacts);
        EXPECT_EQ(contactsUnlikeTheirVersion(w), 0);
        const std::string after = w.run("status").stdoutText;
        EXPECT_EQ(after.find("not written yet"), std::string::npos) << after;
    }
}

}  // namespace
}  // namespace intouch::itest
