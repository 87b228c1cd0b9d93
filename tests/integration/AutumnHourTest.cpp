// Issue 11, item 5: the repeated autumn hour end to end. The CRM writes `modified` in its
// local time without an offset (iso-local), so the hour 02:00-03:00 Europe/Prague on the last
// Sunday of October is stamped twice with the same values. The simulator's clock is set just
// before that night and runs fast (--clock-start, --clock-speed), records are edited and
// inserted throughout both passes of the hour while the connector syncs again and again, and
// afterwards the table must equal the CRM: nothing edited in the second pass may hide below a
// checkpoint taken in the first.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "SourceComparison.hpp"
#include "SyncFixture.hpp"
#include "TargetQuery.hpp"
#include "TestHelpers.hpp"

using namespace intouch::itest;
namespace pg = intouch::testsupport::pg;

namespace {

// The first EU autumn change (01:00Z on the last Sunday of October) at least `margin` after
// now. It must lie in the future: the connector compares a checkpoint's save time (its own,
// real clock) with the hour, as it would in production where both clocks agree.
std::int64_t nextAutumnChange(std::chrono::hours margin) {
    using namespace std::chrono;
    const auto earliest = system_clock::now() + margin;
    for (int y = static_cast<int>(year_month_day(floor<days>(earliest)).year());; ++y) {
        const sys_days lastSunday{year{y} / October / Sunday[last]};
        const auto change = lastSunday + hours(1);
        if (change > earliest) return duration_cast<seconds>(change.time_since_epoch()).count();
    }
}

std::int64_t simSeconds(const SyncWorld& w) {
    std::int64_t s = -1;
    w.simGet("/_sim/clock").find("epoch_seconds")->toInt64(s);
    return s;
}

std::optional<std::int64_t> checkpointSeconds(const SyncWorld& w, const std::string& stream) {
    if (w.sqlite()) {
        const auto rows = targetRows(w, "SELECT CAST(strftime('%s', cursor_modified) AS INTEGER) FROM "
                                        "sync_state WHERE stream = '" + stream + "'");
        if (rows.empty() || !rows[0].at(0)) return std::nullopt;
        return std::stoll(*rows[0][0]);
    }
    return pg::queryScalar<std::optional<std::int64_t>>(
        w.dsn(), "SELECT floor(extract(epoch FROM cursor_modified))::bigint FROM intouch.sync_state "
                 "WHERE stream = '" + stream + "'");
}

// `sqlite`: the same into the SQLite target (issue 15), whose writer admits the repeated
// hour's versions with its own SQL.
void syncThroughTheAutumnHour(const std::string& ambiguousTime, bool sqlite = false) {
    const std::int64_t change = nextAutumnChange(std::chrono::hours(48));
    // Europe/Prague: 02:00-03:00 local is [change - 1 h, change) in summer time (first pass)
    // and [change, change + 1 h) in winter time (second pass).
    const std::int64_t firstPass = change - 3600, secondPass = change, after = change + 3600;
    // From 01:40 summer time to 03:20 winter time: 2 h 40 min at 360x is about 27 s.
    const std::int64_t start = firstPass - 20 * 60, end = after + 20 * 60;

    ConfigSettings config{.pageSize = 20, .sqlite = sqlite};
    SyncWorld world(SimSettings{.records = 200,
                                .datetimeFormat = "iso-local",
                                .extraArgs = {"--clock-start", std::to_string(start),
                                              "--clock-speed", "360"}},
                    config);
    if (ambiguousTime != "earlier") {
        // A copy of the shipped mappings with parties' ambiguous_time changed.
        const auto dir = world.scratch() / "mappings";
        std::filesystem::copy(mappingsDir(), dir);
        std::ofstream(dir / "parties.yaml", std::ios::app) << "ambiguous_time: " << ambiguousTime << "\n";
        config.mappingsDir = dir.string();
        world.writeConfig(config);
    }
    ASSERT_EQ(world.migrate().exitCode, 0);
    RunResult first = world.sync({"--stream", "parties"});
    ASSERT_EQ(first.exitCode, 0) << first.describe();

    int runs = 0, rewinds = 0, editsFirstPass = 0, editsSecondPass = 0;
    bool checkpointInFirstPass = false, secondPassEditAfterIt = false;
    std::ostringstream trace;
    for (std::int64_t now = simSeconds(world); now < end; now = simSeconds(world)) {
        world.simPost("/_sim/mutate?stream=parties&edits=3&inserts=1");
        if (now >= firstPass && now < secondPass) ++editsFirstPass;
        if (now >= secondPass && now < after) {
            ++editsSecondPass;
            if (checkpointInFirstPass) secondPassEditAfterIt = true;
        }
        RunResult r = world.sync({"--stream", "parties"});
        ++runs;
        ASSERT_EQ(r.exitCode, 0) << "run " << runs << " at simulated " << now << " (change at "
                                 << change << ")\n" << r.describe();
        if (r.stderrText.find("repeated autumn hour") != std::string::npos ||
            r.stdoutText.find("repeated autumn hour") != std::string::npos)
            ++rewinds;
        const auto cp = checkpointSeconds(world, "parties");
        trace << " " << (now - change) << ":" << (cp ? std::to_string(*cp - change) : "-");
        if (cp && *cp >= firstPass && *cp < secondPass && now < secondPass) checkpointInFirstPass = true;
    }
    // The hour is over and nothing changes any more: one last run must bring everything.
    RunResult last = world.sync({"--stream", "parties"});
    ASSERT_EQ(last.exitCode, 0) << last.describe();
    std::cout << "[autumn hour, ambiguous_time " << ambiguousTime << "] " << runs
              << " runs, edits in the first pass " << editsFirstPass << ", in the second "
              << editsSecondPass << ", runs that re-read the hour " << rewinds
              << "\n  simulated time - change : checkpoint - change (s):" << trace.str()
              << std::endl;
    // The scenario must have happened, or the comparison below proves nothing.
    EXPECT_TRUE(checkpointInFirstPass) << "no checkpoint was taken inside the first pass";
    EXPECT_TRUE(secondPassEditAfterIt) << "no edit in the second pass after such a checkpoint";
    EXPECT_GT(rewinds, 0) << "no run re-read the repeated hour";
    expectEqualToSource(world, "parties", "after the autumn hour");
}

}  // namespace

TEST(AutumnHour, EditsThroughoutTheRepeatedHourAreNotLostWithEarlier) {
    INTOUCH_REQUIRE_BINARIES();
    syncThroughTheAutumnHour("earlier");
}

TEST(AutumnHour, EditsThroughoutTheRepeatedHourAreNotLostWithLater) {
    INTOUCH_REQUIRE_BINARIES();
    syncThroughTheAutumnHour("later");
}

TEST(AutumnHour, EditsThroughoutTheRepeatedHourAreNotLostWithEarlierOnSqlite) {
    INTOUCH_REQUIRE_BINARIES();
    syncThroughTheAutumnHour("earlier", true);
}

TEST(AutumnHour, EditsThroughoutTheRepeatedHourAreNotLostWithLaterOnSqlite) {
    INTOUCH_REQUIRE_BINARIES();
    syncThroughTheAutumnHour("later", true);
}
