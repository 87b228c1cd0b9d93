// Issue 11 units: text from the network made fit for PostgreSQL (valid UTF-8, no NUL, cut
// on a character boundary), the forms a password takes inside a DSN or URL, and the log's
// masking of secrets before escaping and of short secrets where credentials stand.

#include <gtest/gtest.h>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "cli/MetricsFile.hpp"
#include "common/Log.hpp"
#include "common/SecretForms.hpp"
#include "common/Utf8Text.hpp"
#include "support/ChildProcess.hpp"
#include "support/TempDirectory.hpp"

using namespace intouch;
namespace ts = intouch::testsupport;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";
}

TEST(Utf8Text, ValidTextIsUnchanged) {
    const std::string s = "Příliš žluťoučký kůň \xF0\x9F\x90\x8E ok";
    EXPECT_EQ(text::validUtf8(s), s);
}

TEST(Utf8Text, EveryInvalidByteAndNulBecomesTheReplacementCharacter) {
    // windows-1250 "špatně": 0x9A and 0xEC are not UTF-8.
    EXPECT_EQ(text::validUtf8("\x9Apatn\xEC"), kFffd + "patn" + kFffd);
    EXPECT_EQ(text::validUtf8(std::string("a\0b", 3)), "a" + kFffd + "b");
    EXPECT_EQ(text::validUtf8("\xC4"), kFffd);                  // cut sequence
    EXPECT_EQ(text::validUtf8("\xC0\xAF"), kFffd + kFffd);      // overlong
    EXPECT_EQ(text::validUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate
    EXPECT_EQ(text::validUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
}

TEST(Utf8Text, CutNeverEndsInsideACharacter) {
    const std::string s = std::string(199, 'x') + "\xC4\x8D" + "yyyy";
    const std::string cut = text::cutUtf8(s, 203);
    EXPECT_EQ(cut, std::string(199, 'x') + "...");
    EXPECT_EQ(text::cutUtf8("short", 203), "short");
    EXPECT_EQ(text::cutUtf8("\xC4\x8D\xC4\x8D\xC4\x8D", 5), "\xC4\x8D...");
    EXPECT_EQ(text::cutUtf8("\xC4\x8D\xC4\x8D\xC4\x8D" "ab", 7), "\xC4\x8D\xC4\x8D...");
}

TEST(SecretForms, KeyValueDsnPasswordInAnyQuoting) {
    auto has = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    auto quoted = secrets::dsnPasswordForms("host=h password='a b' dbname=x");
    EXPECT_TRUE(has(quoted, "a b"));
    EXPECT_TRUE(has(quoted, "'a b'"));
    auto escaped = secrets::dsnPasswordForms("host=h password=a\\ b dbname=x");
    EXPECT_TRUE(has(escaped, "a b"));
    EXPECT_TRUE(has(escaped, "a\\ b"));
    auto inner = secrets::dsnPasswordForms("password = 'it\\'s' host=h");
    EXPECT_TRUE(has(inner, "it's"));
    EXPECT_TRUE(has(inner, "it\\'s"));
    EXPECT_TRUE(secrets::dsnPasswordForms("host=h dbname=x").empty());
}

TEST(SecretForms, UriDsnPasswordPercentEncoded) {
    auto forms = secrets::dsnPasswordForms("postgresql://u:p%40ss%20w@h:5432/db?password=x%2By");
    EXPECT_EQ(forms, (std::vector<std::string>{"p%40ss%20w", "p@ss w", "x%2By", "x+y"}));
    EXPECT_EQ(secrets::urlPasswordForms("http://m:s%5C3@gw:9091/"), (std::vector<std::string>{"s%5C3", "s\\3"}));
    EXPECT_EQ(secrets::withoutUserInfo("http://m:s%5C3@gw:9091/x"), "http://gw:9091/x");
    EXPECT_EQ(secrets::withoutUserInfo("http://gw:9091/a@b"), "http://gw:9091/a@b");
}

TEST(LogRedaction, SecretsWithQuotesAndBackslashesAreMaskedBeforeEscaping) {
    log::addSecret("Unit\"Pw\\42");
    EXPECT_EQ(log::redact("x Unit\"Pw\\42 y"), "x *** y");
    // The JSON-escaped form is registered too.
    EXPECT_EQ(log::redact("{\"p\":\"Unit\\\"Pw\\\\42\"}"), "{\"p\":\"***\"}");
}

TEST(LogRedaction, ShortSecretsAreMaskedWhereCredentialsStand) {
    log::addSecret("k9");
    EXPECT_EQ(log::redact("k9"), "***");
    EXPECT_EQ(log::redact("host=h password=k9 dbname=x"), "host=h password=*** dbname=x");
    EXPECT_EQ(log::redact("password='k9'"), "password='***'");
    EXPECT_EQ(log::redact("http://user:k9@host/"), "http://user:***@host/");
    // Elsewhere the two characters are ordinary text.
    EXPECT_EQ(log::redact("page k9x of k99"), "page k9x of k99");
}

// The textfile collector's directory is often writable by others: a link planted at the
// temp path must not redirect the write, and the file must be readable by node_exporter
// whatever the umask.
TEST(MetricsTempFile, NeverFollowsALinkAtTheTempPathAndIsAlways0644) {
    ts::TempDirectory dir("metrics-tmp");
    const std::string path = (dir.path() / "intouch_sync.prom").string();
    const std::string victim = (dir.path() / "victim").string();
    std::ofstream(victim) << "precious\n";
    const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
    ASSERT_EQ(::symlink(victim.c_str(), tmp.c_str()), 0);

    const mode_t old = ::umask(077);
    writeFileAtomically(path, "metric 1\n");
    ::umask(old);

    EXPECT_EQ(ts::readFile(victim), "precious\n");
    EXPECT_EQ(ts::readFile(path), "metric 1\n");
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode)) << "the published file is a link";
    EXPECT_EQ(st.st_mode & 0777, 0644u);
}
