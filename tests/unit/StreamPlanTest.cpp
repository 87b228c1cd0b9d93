// Issue 18 as pure units: what a run does with a stream on a given CRM version, and which
// errors fail one stream or end the run, with the exit code of the most serious failure.

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/Errors.hpp"
#include "sync/StreamFailure.hpp"
#include "sync/StreamPlan.hpp"

using namespace intouch;

namespace {

StreamSpec notesSpec() {
    StreamSpec s;
    s.name = "notes";
    s.endpoint = "notes";
    s.file = "/somewhere/mappings/notes.yaml";
    ColumnSpec note;
    note.name = "note";
    note.sourcePath = "note";
    note.path = JsonPath::parse("note");
    s.columns.push_back(note);
    EndpointAlternative a, b;
    a.name = "notes";
    b.name = "comments";
    b.sources = {{"note", "comment"}};
    s.endpoints = {a, b};
    return s;
}

StreamSpec membersSpec() {
    StreamSpec s;
    s.name = "members";
    s.endpoint = "members";
    s.file = "/somewhere/mappings/members.yaml";
    s.versions.since = CrmVersion{6, 5};
    return s;
}

template <class E>
std::exception_ptr error(const std::string& what = "x") {
    return std::make_exception_ptr(E(what));
}

}  // namespace

TEST(StreamPlan, AStreamDeclaredFromALaterVersionIsSkippedWithTheReason) {
    const StreamPlan p = planStream(membersSpec(), {6, 2, 0, 1234});
    EXPECT_FALSE(p.served);
    EXPECT_EQ(p.skipReason,
              "members is served from CRM 6.5 on (members.yaml); this CRM reports version "
              "6.2.0.1234");
    EXPECT_TRUE(p.candidates.empty());
    EXPECT_TRUE(planStream(membersSpec(), {6, 5, 0, 1}).served);
    EXPECT_TRUE(planStream(membersSpec(), {7, 1}).served);
    // Without a version nothing can be ruled out: the stream is tried.
    EXPECT_TRUE(planStream(membersSpec(), {}).served);
}

TEST(StreamPlan, EndpointNamesAreTriedInOrderAndVersionsRuleSomeOut) {
    StreamSpec s = notesSpec();
    StreamPlan p = planStream(s, {7, 1});
    ASSERT_EQ(p.candidates.size(), 2u);
    EXPECT_EQ(p.candidates[0].endpoint, "notes");
    EXPECT_EQ(p.candidates[0].findColumn("note")->sourcePath, "note");
    EXPECT_EQ(p.candidates[1].endpoint, "comments");
    EXPECT_EQ(p.candidates[1].findColumn("note")->sourcePath, "comment");
    EXPECT_EQ(choiceReason(s, p, 0), "first in endpoints:");
    EXPECT_EQ(choiceReason(s, p, 1), "the names before it answered 404");

    // Declared versions decide without a request.
    s.endpoints[0].versions.until = CrmVersion{7};
    s.endpoints[1].versions.since = CrmVersion{7};
    p = planStream(s, {7, 1, 0, 1234});
    ASSERT_EQ(p.candidates.size(), 1u);
    EXPECT_EQ(p.candidates[0].endpoint, "comments");
    EXPECT_EQ(p.excluded, std::vector<std::string>{"notes (before CRM 7)"});
    EXPECT_EQ(choiceReason(s, p, 0), "declared from CRM 7 on in notes.yaml");
    p = planStream(s, {6, 2});
    ASSERT_EQ(p.candidates.size(), 1u);
    EXPECT_EQ(p.candidates[0].endpoint, "notes");
    p = planStream(s, {});
    EXPECT_EQ(p.candidates.size(), 2u);

    // No name left for this version: skipped, saying which names exist for which versions.
    s.endpoints.pop_back();
    p = planStream(s, {7, 1});
    EXPECT_FALSE(p.served);
    EXPECT_EQ(p.skipReason,
              "notes has no endpoint for this CRM version (notes.yaml lists notes (before CRM "
              "7)); this CRM reports version 7.1");
}

TEST(StreamPlan, AdviceForAStreamTheCrmDoesNotServe) {
    EXPECT_EQ(notServedAdvice(membersSpec(), {6, 2}),
              "members is documented from CRM 6.5 on: remove members from `streams` in the "
              "config, or upgrade the CRM");
    StreamSpec plain = membersSpec();
    plain.versions = {};
    EXPECT_EQ(notServedAdvice(plain, {6, 2}),
              "remove members from `streams` in the config, or upgrade the CRM; if this CRM "
              "serves it under another name, list the names under endpoints: in members.yaml "
              "(with since:/until: where the versions are known)");
}

TEST(StreamFailure, OnlyErrorsOfTheWholeCrmOrDatabaseEndTheRun) {
    // The CRM or the database as a whole is gone, or a stop was asked for.
    EXPECT_TRUE(endsTheRun(error<AuthError>()));
    EXPECT_TRUE(endsTheRun(error<SourceUnavailableError>()));
    EXPECT_TRUE(endsTheRun(error<TargetError>()));
    EXPECT_TRUE(endsTheRun(error<InterruptedError>()));
    EXPECT_TRUE(endsTheRun(error<pqxx::broken_connection>()));
    // One stream's trouble.
    EXPECT_FALSE(endsTheRun(error<ForbiddenError>()));
    EXPECT_FALSE(endsTheRun(error<NotFoundError>()));
    EXPECT_FALSE(endsTheRun(error<StreamUnavailableError>()));
    EXPECT_FALSE(endsTheRun(error<SourceError>()));  // 400, an inconsistent answer, ...
    EXPECT_FALSE(endsTheRun(error<LockedError>()));
    EXPECT_FALSE(endsTheRun(error<ConfigError>()));
    EXPECT_FALSE(endsTheRun(error<pqxx::sql_error>()));
    EXPECT_FALSE(endsTheRun(error<std::runtime_error>()));
    EXPECT_FALSE(endsTheRun(nullptr));
}

TEST(StreamFailure, ExitCodesOutcomesAndTheirOrder) {
    EXPECT_EQ(exitCodeOfError(error<StreamUnavailableError>()), ExitCode::StreamsUnavailable);
    EXPECT_EQ(static_cast<int>(ExitCode::StreamsUnavailable), 9);
    EXPECT_EQ(exitCodeOfError(error<NotFoundError>()), ExitCode::SourceUnavailable);
    EXPECT_EQ(exitCodeOfError(error<ForbiddenError>()), ExitCode::AuthError);
    EXPECT_EQ(exitCodeOfError(error<pqxx::sql_error>()), ExitCode::TargetUnavailable);
    EXPECT_EQ(exitCodeOfError(error<std::runtime_error>()), ExitCode::Internal);
    EXPECT_EQ(exitCodeOfError(std::make_exception_ptr(StreamsFailedError(ExitCode::Locked, "x"))),
              ExitCode::Locked);

    // Documented order: 1, 6, 5, 2, 4, 7, 9, 3, 0.
    const std::vector<ExitCode> order = {ExitCode::Internal,
                                         ExitCode::TargetUnavailable,
                                         ExitCode::SourceUnavailable,
                                         ExitCode::ConfigError,
                                         ExitCode::AuthError,
                                         ExitCode::Locked,
                                         ExitCode::StreamsUnavailable,
                                         ExitCode::CompletedWithRejects,
                                         ExitCode::Success};
    for (std::size_t i = 1; i < order.size(); ++i)
        EXPECT_GT(severity(order[i - 1]), severity(order[i])) << static_cast<int>(order[i]);

    auto recorded = [](ExitCode c) { return std::string(outcomeText(outcomeOfExitCode(c))); };
    EXPECT_EQ(recorded(ExitCode::StreamsUnavailable), "unavailable");
    EXPECT_EQ(recorded(ExitCode::Locked), "locked");
    EXPECT_EQ(recorded(ExitCode::Interrupted), "interrupted");
    EXPECT_EQ(recorded(ExitCode::AuthError), "failed");
    EXPECT_EQ(recorded(ExitCode::Success), "success");
    EXPECT_EQ(recorded(ExitCode::CompletedWithRejects), "partial");
}

// The texts sync_runs.outcome, the CLI and the metrics show: every outcome, each once.
TEST(StreamFailure, OutcomeTextsAreTheRecordedForms) {
    std::vector<std::string> texts;
    for (RunOutcome o : kRunOutcomes) texts.push_back(outcomeText(o));
    EXPECT_EQ(texts, (std::vector<std::string>{"success", "partial", "failed", "interrupted",
                                               "locked", "unavailable", "skipped"}));
}
