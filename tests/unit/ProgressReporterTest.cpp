// ProgressReporter's arithmetic (rate, percent, ETA) and its throttling, driven
// by a fake clock so that no test waits.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sync/ProgressReporter.hpp"

using namespace intouch;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    ProgressReporter::Clock fn() {
        return [this] { return now; };
    }
};

struct Emitted {
    ProgressFigures figures;
    bool final;
};

struct Recorder {
    std::vector<Emitted> lines;
    ProgressReporter::Emit fn() {
        return [this](const ProgressFigures& f, bool final) { lines.push_back({f, final}); };
    }
};

}  // namespace

TEST(ProgressFigures, RateAndEtaFromRecordsSinceTheBaseline) {
    // 1000 records at the first update, 51000 after 10 s: 5000/s; 149000 left.
    ProgressFigures f = progressFigures(1000, 51000, 200000, 10.0);
    EXPECT_DOUBLE_EQ(f.recordsPerSecond, 5000.0);
    ASSERT_TRUE(f.percent);
    EXPECT_DOUBLE_EQ(*f.percent, 25.5);
    ASSERT_TRUE(f.etaSeconds);
    EXPECT_DOUBLE_EQ(*f.etaSeconds, 29.8);
}

TEST(ProgressFigures, NoRateBeforeTimePassesAndNoEtaWithoutTotal) {
    ProgressFigures first = progressFigures(999, 999, 200000, 0.0);
    EXPECT_EQ(first.recordsPerSecond, 0.0);
    EXPECT_FALSE(first.etaSeconds);
    ASSERT_TRUE(first.percent);

    ProgressFigures unknown = progressFigures(0, 5000, std::nullopt, 2.0);
    EXPECT_DOUBLE_EQ(unknown.recordsPerSecond, 2500.0);
    EXPECT_FALSE(unknown.percent);
    EXPECT_FALSE(unknown.etaSeconds);

    ProgressFigures empty = progressFigures(0, 0, 0, 1.0);
    EXPECT_FALSE(empty.percent);  // total 0: nothing to divide by
}

TEST(ProgressFigures, PastTheTotalIsCappedNotNegative) {
    // Records inserted during the run can take `done` past the total seen at start.
    ProgressFigures f = progressFigures(0, 1100, 1000, 1.0);
    EXPECT_DOUBLE_EQ(*f.percent, 100.0);
    EXPECT_DOUBLE_EQ(*f.etaSeconds, 0.0);
}

TEST(ProgressFormat, DurationsAndLine) {
    EXPECT_EQ(formatEta(0), "0:00");
    EXPECT_EQ(formatEta(59.6), "1:00");
    EXPECT_EQ(formatEta(125), "2:05");
    EXPECT_EQ(formatEta(3723), "1:02:03");
    EXPECT_EQ(formatProgressLine("parties", progressFigures(0, 120000, 200000, 12.0)),
              "parties: 120000 / 200000 (60.0%), 10000 records/s, ETA 0:08");
    EXPECT_EQ(formatProgressLine("comm", progressFigures(0, 0, std::nullopt, 0)), "comm: 0");
}

TEST(ProgressReporter, LiveLineAtOnceThenAtMostFourTimesASecond) {
    FakeClock clock;
    Recorder out;
    {
        ProgressReporter p("parties", ProgressReporter::Mode::Live, clock.fn(), out.fn());
        p.update(1000, 10000);  // shown at once
        clock.now += 100ms;
        p.update(2000, 10000);  // too soon
        clock.now += 150ms;
        p.update(3000, 10000);  // 250 ms after the last one
        ASSERT_EQ(out.lines.size(), 2u);
        EXPECT_EQ(out.lines[1].figures.done, 3000);
        EXPECT_DOUBLE_EQ(out.lines[1].figures.recordsPerSecond, 8000.0);  // 2000 records in 0.25 s
        EXPECT_DOUBLE_EQ(*out.lines[1].figures.etaSeconds, 0.875);         // 7000 / 8000
        EXPECT_FALSE(out.lines[1].final);
        clock.now += 50ms;
        p.update(4000, 10000);  // held back, but finish() shows it
        p.finish();
        ASSERT_EQ(out.lines.size(), 3u);
        EXPECT_TRUE(out.lines[2].final);
        EXPECT_EQ(out.lines[2].figures.done, 4000);
    }
    EXPECT_EQ(out.lines.size(), 3u);  // the destructor does not end the line twice
}

TEST(ProgressReporter, LogLineEveryTenSecondsAndNoneForShortRuns) {
    FakeClock clock;
    Recorder out;
    ProgressReporter p("parties", ProgressReporter::Mode::Log, clock.fn(), out.fn());
    for (int page = 1; page <= 25; ++page) {  // a page per second for 25 s
        clock.now += 1s;
        p.update(page * 1000, 100000);
    }
    ASSERT_EQ(out.lines.size(), 2u);  // at 10 s and 20 s after the start
    EXPECT_EQ(out.lines[0].figures.done, 10000);
    EXPECT_DOUBLE_EQ(out.lines[0].figures.recordsPerSecond, 1000.0);  // from the first update at 1 s
    EXPECT_EQ(out.lines[1].figures.done, 20000);
    EXPECT_DOUBLE_EQ(*out.lines[1].figures.etaSeconds, 80.0);
    p.finish();
    EXPECT_EQ(out.lines.size(), 2u);  // the log has the stream's own closing line

    Recorder quiet;
    ProgressReporter shortRun("comm", ProgressReporter::Mode::Log, clock.fn(), quiet.fn());
    clock.now += 3s;
    shortRun.update(500, 500);
    shortRun.finish();
    EXPECT_TRUE(quiet.lines.empty());
}

TEST(ProgressReporter, ShownCountNeverGoesBackAndOffShowsNothing) {
    FakeClock clock;
    Recorder out;
    ProgressReporter p("parties", ProgressReporter::Mode::Live, clock.fn(), out.fn());
    p.update(5000, 10000);
    clock.now += 1s;
    p.update(4200, 10000);  // the reader re-found an earlier position
    ASSERT_EQ(out.lines.size(), 2u);
    EXPECT_EQ(out.lines[1].figures.done, 5000);

    Recorder none;
    ProgressReporter off("parties", ProgressReporter::Mode::Off, clock.fn(), none.fn());
    off.update(1, 2);
    off.finish();
    EXPECT_TRUE(none.lines.empty());
}

// Two streams read side by side (sync.parallel_streams) on a terminal share the one live
// line; the one that ends leaves its last figures on a line of its own, the other goes on.
TEST(ProgressReporter, StreamsSideBySideShareTheLiveLine) {
    std::fflush(stderr);
    std::FILE* capture = std::tmpfile();
    ASSERT_NE(capture, nullptr);
    const int saved = dup(STDERR_FILENO);
    ASSERT_GE(saved, 0);
    ASSERT_GE(dup2(fileno(capture), STDERR_FILENO), 0);
    {
        FakeClock clock;
        ProgressReporter a("parties", ProgressReporter::Mode::Live, clock.fn());
        ProgressReporter b("comm", ProgressReporter::Mode::Live, clock.fn());
        a.update(100, 1000);
        b.update(50, 500);
        a.finish();
        clock.now += 1s;
        b.update(60, 500);
    }
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    std::rewind(capture);
    std::string out;
    for (int c; (c = std::fgetc(capture)) != EOF;) out.push_back(static_cast<char>(c));
    std::fclose(capture);
    // Redraws start with \r; only a stream's end (and the last one's) ends a line.
    EXPECT_NE(out.find("\rparties: 100 / 1000 (10.0%) | comm: 50 / 500 (10.0%)"), std::string::npos) << out;
    EXPECT_NE(out.find("\rparties: 100 / 1000 (10.0%)"), std::string::npos) << out;
    const auto partiesEnd = out.find("parties: 100 / 1000 (10.0%)", out.find(" | comm"));
    ASSERT_NE(partiesEnd, std::string::npos) << out;
    EXPECT_NE(out.find('\n', partiesEnd), std::string::npos) << out;
    EXPECT_NE(out.find("\rcomm: 60 / 500 (12.0%)"), std::string::npos) << out;
    EXPECT_EQ(out.back(), '\n') << "the last live line must be ended: " << out;
    EXPECT_EQ(out.find("| parties", out.find('\n')), std::string::npos)
        << "the ended stream came back on the live line: " << out;
}
