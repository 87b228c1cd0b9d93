// No secret anywhere (issue 11): every credential -- the CRM password, the DSN password in
// key/value quoting and percent-encoded in a URI, PGPASSWORD, the Pushgateway's
// user:password, and a ${VAR} used in a secret setting -- is searched for, in every form it
// could take (as written, decoded, JSON-escaped), in stdout, stderr, sync_runs,
// sync_stream_runs, the metrics file and the Pushgateway body, after driving the error
// paths: 401, 403, TLS failure, unreachable CRM, PostgreSQL connection failure, Pushgateway
// failure, bad config, debug level and JSON logs. The secrets hold " \ ' space @ % so that
// escaping cannot hide them from the masking.
#include <gtest/gtest.h>

#include <Poco/Base64Encoder.h>

#include <fstream>
#include <sstream>

#include "OpsWorld.hpp"
#include "common/Json.hpp"
#include "support/CannedHttpResponder.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

std::string base64(const std::string& s) {
    std::ostringstream out;
    Poco::Base64Encoder e(out);
    e.rdbuf()->setLineLength(0);
    e << s;
    e.close();
    return out.str();
}

std::string jsonEscaped(const std::string& s) {
    std::string q;
    json::appendQuoted(q, s);
    return q.substr(1, q.size() - 2);
}

struct Secret {
    std::string name;
    std::vector<std::string> forms;  // each must be absent everywhere
};

class SecretWorld {
  public:
    // Secrets of 4+ characters are masked anywhere: each is searched for in every form.
    const std::string crmPassword = "Crm\"Pw\\ 9x";
    const std::string wrongPassword = "Wr\"ong\\pw 1";
    const std::string pgKvDecoded = "Pg pw'7\"q\\z";
    const std::string pgKvWritten = "Pg pw\\'7\"q\\\\z";  // inside '...' in the DSN
    const std::string pgUriDecoded = "u@p:ss w/rd%";
    const std::string pgUriWritten = "u%40p%3Ass%20w%2Frd%25";
    const std::string pgEnvPassword = "PgEnv-S3cret\"x";
    const std::string pushDecoded = "Push\\pw\"9";
    const std::string pushWritten = "Push%5Cpw%229";
    const std::string piiKey = "Pii\"key\\ 5q";  // the HMAC key of pii: hash

    SecretWorld() : db_(ts::SharedPostgres::freshDatabase()) {
        ts::SimulatorOptions so;
        so.args = {"--records", "40", "--user", "api", "--password", crmPassword};
        sim_ = std::make_unique<ts::SimulatorProcess>(so);
        // A Pushgateway that refuses and echoes the credentials it got, as a verbose proxy might.
        gatewayFailing_ = std::make_unique<ts::CannedHttpResponder>(
            ts::CannedHttpResponder::head("500 Internal Server Error", "Content-Length: 80\r\n") +
            std::string("denied " + pushDecoded + " " + base64("metrics:" + pushDecoded) + " " + pushWritten)
                .append(80, ' ')
                .substr(0, 80));
        gatewayOk_ = std::make_unique<ts::CannedHttpResponder>(
            ts::CannedHttpResponder::head("200 OK", "Content-Length: 0\r\n"));
    }

    std::string kvDsn(const std::string& dbname = "") const {
        std::string dsn = db_.dsn;
        if (!dbname.empty()) dsn = dsn.substr(0, dsn.find(" dbname=")) + " dbname=" + dbname;
        return dsn + " password='" + pgKvWritten + "'";
    }
    std::string uriDsn() const {
        std::string uri = db_.uri;
        const auto at = uri.find('@');
        return uri.substr(0, at) + ":" + pgUriWritten + uri.substr(at);
    }
    std::string gateway(const ts::CannedHttpResponder& g) const {
        return "http://metrics:" + pushWritten + "@127.0.0.1:" + std::to_string(g.port()) + "/";
    }

    // A config with the secrets in their settings; `extra` goes into the source section.
    std::string writeConfig(const std::string& name, const std::string& url, const std::string& extraSource = "",
                            const ts::CannedHttpResponder* gateway = nullptr) const {
        const std::string path = (dir_.path() / name).string();
        std::ofstream out(path);
        out << "source:\n"
            << "  url: " << url << "\n"
            << "  username: api\n"
            << "  password: ${CRM_PW}\n"
            << "  requests_per_second: 1000\n"
            << "  max_attempts: 2\n"
            << "  initial_backoff_seconds: 0.01\n"
            << "  max_backoff_seconds: 0.02\n"
            << "  connect_timeout_seconds: 2\n"
            << extraSource << "target:\n"
            << "  dsn: ${PG_DSN}\n"
            << "  schema: intouch\n"
            << "mappings: " << sourceDir() << "/mappings\n"
            << "migrations: " << sourceDir() << "/migrations\n"
            << "streams: [parties, comm]\n"
            << "pii:\n"
            << "  key: ${PII_KEY}\n"
            << "metrics:\n"
            << "  file: " << (dir_.path() / "metrics.prom").string() << "\n";
        if (gateway) out << "  pushgateway: " << this->gateway(*gateway) << "\n";
        return path;
    }

    ts::CompletedProcess run(const std::string& config, std::vector<std::string> args,
                             const std::string& crmPw, const std::string& dsn) {
        args.push_back("--config");
        args.push_back(config);
        auto p = ts::runToCompletion(syncBinary(), args,
                                     {{"CRM_PW", crmPw},
                                      {"PG_DSN", dsn},
                                      {"PGPASSWORD", pgEnvPassword},
                                      {"PII_KEY", piiKey}},
                                     120s);
        outputs_ += "\n=== " + args.front() + " " + config + " exit " + std::to_string(p.exitCode) + "\n" +
                    p.stdoutText + p.stderrText;
        return p;
    }

    std::vector<Secret> secrets() const {
        auto forms = [](std::vector<std::string> base) {
            std::vector<std::string> out;
            for (const auto& b : base) {
                out.push_back(b);
                if (jsonEscaped(b) != b) out.push_back(jsonEscaped(b));
            }
            return out;
        };
        return {
            {"CRM password", forms({crmPassword, base64("api:" + crmPassword)})},
            {"wrong CRM password", forms({wrongPassword, base64("api:" + wrongPassword)})},
            {"DSN password (key/value)", forms({pgKvDecoded, pgKvWritten})},
            {"DSN password (URI)", forms({pgUriDecoded, pgUriWritten})},
            {"PGPASSWORD", forms({pgEnvPassword})},
            {"pii.key", forms({piiKey})},
            {"Pushgateway password", forms({pushDecoded, pushWritten, base64("metrics:" + pushDecoded)})},
        };
    }

    // Everything a user or a warehouse could read after the runs.
    std::string everything() const {
        std::string all = outputs_;
        all += "\n=== sync_runs\n" +
               pg::queryScalarText(db_.dsn,
                                   "SELECT coalesce(string_agg(command || ' ' || outcome || ' ' || "
                                   "coalesce(error, ''), E'\\n'), '') FROM intouch.sync_runs")
                   .value_or("");
        all += "\n=== sync_stream_runs\n" +
               pg::queryScalarText(db_.dsn,
                                   "SELECT coalesce(string_agg(stream || ' ' || outcome || ' ' || "
                                   "coalesce(error, ''), E'\\n'), '') FROM intouch.sync_stream_runs")
                   .value_or("");
        all += "\n=== metrics file\n" + ts::readFile(dir_.path() / "metrics.prom");
        for (const auto* g : {gatewayOk_.get(), gatewayFailing_.get()})
            for (const auto& request : g->requests()) {
                const auto body = request.find("\r\n\r\n");
                all += "\n=== pushgateway body\n" + (body == std::string::npos ? "" : request.substr(body + 4));
            }
        return all;
    }

    ts::SimulatorProcess& sim() { return *sim_; }
    const ts::TestDatabase& db() const { return db_; }
    const ts::CannedHttpResponder& gatewayOk() const { return *gatewayOk_; }
    const ts::CannedHttpResponder& gatewayFailing() const { return *gatewayFailing_; }

  private:
    ts::TempDirectory dir_{"secrets"};
    ts::TestDatabase db_;
    std::unique_ptr<ts::SimulatorProcess> sim_;
    std::unique_ptr<ts::CannedHttpResponder> gatewayFailing_, gatewayOk_;
    std::string outputs_;
};

void expectNoSecret(const SecretWorld& w) {
    const std::string all = w.everything();
    for (const auto& secret : w.secrets())
        for (const auto& form : secret.forms) {
            const auto at = all.find(form);
            EXPECT_EQ(at, std::string::npos)
                << secret.name << " leaked as [" << form << "]:\n"
                << all.substr(at == std::string::npos ? 0 : (at > 300 ? at - 300 : 0), 600);
        }
}

TEST(Secrets, NoCredentialAppearsOnAnyErrorPathInAnyOutput) {
    SecretWorld w;
    const std::string sim = w.sim().baseUrl();
    const std::string kv = w.kvDsn();

    const std::string plain = w.writeConfig("plain.yaml", sim);
    ASSERT_EQ(w.run(plain, {"migrate"}, w.crmPassword, kv).exitCode, 0);

    // Debug level, text then JSON, publishing to a Pushgateway that accepts, then to one
    // that refuses and echoes the credentials.
    const std::string ok = w.writeConfig("ok.yaml", sim, "", &w.gatewayOk());
    auto p = w.run(ok, {"sync", "--log-level", "debug"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 0) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "metrics pushed")) << p.stderrText;
    EXPECT_EQ(w.gatewayOk().requests().size(), 1u);
    const std::string failing = w.writeConfig("failing.yaml", sim, "", &w.gatewayFailing());
    p = w.run(failing, {"sync", "--log-level", "debug", "--log-format", "json"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 0) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "cannot push to the Pushgateway")) << p.stderrText;
    p = w.run(failing, {"sync", "--log-level", "debug"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 0) << describe(p);

    // The URI form of the DSN, percent-encoded password.
    p = w.run(ok, {"sync", "--log-level", "debug", "--log-format", "json"}, w.crmPassword, w.uriDsn());
    EXPECT_EQ(p.exitCode, 0) << describe(p);

    // 401, text and JSON.
    p = w.run(plain, {"sync", "--log-level", "debug"}, w.wrongPassword, kv);
    EXPECT_EQ(p.exitCode, 4) << describe(p);
    p = w.run(plain, {"sync", "--log-format", "json"}, w.wrongPassword, kv);
    EXPECT_EQ(p.exitCode, 4) << describe(p);

    // TLS failure: https to a plain HTTP server.
    ts::CannedHttpResponder plainHttp(ts::CannedHttpResponder::head("400 Bad Request", "Content-Length: 0\r\n"));
    const std::string tls =
        w.writeConfig("tls.yaml", "https://127.0.0.1:" + std::to_string(plainHttp.port()) + "/api");
    p = w.run(tls, {"sync", "--log-level", "debug"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 5) << describe(p);

    // Unreachable CRM.
    const std::string closed =
        w.writeConfig("closed.yaml", "http://127.0.0.1:" + std::to_string(ts::pickFreeTcpPort()) + "/api");
    p = w.run(closed, {"sync", "--log-level", "debug", "--log-format", "json"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 5) << describe(p);

    // PostgreSQL refuses the connection (no such database), key/value and URI forms.
    p = w.run(plain, {"sync", "--log-level", "debug"}, w.crmPassword, w.kvDsn("no_such_db"));
    EXPECT_EQ(p.exitCode, 6) << describe(p);
    std::string badUri = w.uriDsn();
    badUri.replace(badUri.find("@/") + 2, badUri.find('?') - badUri.find("@/") - 2, "no_such_db");
    p = w.run(plain, {"sync", "--log-format", "json"}, w.crmPassword, badUri);
    EXPECT_EQ(p.exitCode, 6) << describe(p);

    // Bad config: a ${VAR} of a secret setting quoted back by a message about another key.
    const std::string bad = w.writeConfig("bad.yaml", sim, "  page_size: ${CRM_PW}\n");
    p = w.run(bad, {"sync", "--log-level", "debug"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 2) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "page_size")) << p.stderrText;

    // 403 last: the roles lose comm.
    ASSERT_EQ(w.sim().post("/_sim/config?forbidden=comm").status, 200);
    p = w.run(ok, {"sync", "--log-level", "debug", "--log-format", "json"}, w.crmPassword, kv);
    EXPECT_EQ(p.exitCode, 4) << describe(p);

    expectNoSecret(w);
    // The search itself works: what was masked left its mark.
    EXPECT_TRUE(contains(w.everything(), "***")) << w.everything();
}

// A 1-2 character password is masked where a credential stands (README, "Secrets").
TEST(Secrets, ShortPasswordsAreMaskedWhereTheyStand) {
    SecretWorld w;
    const std::string sim = w.sim().baseUrl();
    const std::string kv = w.kvDsn();
    const std::string plain = w.writeConfig("plain.yaml", sim);
    ASSERT_EQ(w.run(plain, {"migrate"}, w.crmPassword, kv).exitCode, 0);
    // A config error that quotes a short ${VAR} value used in a secret setting.
    const std::string bad = w.writeConfig("bad.yaml", sim, "  page_size: ${CRM_PW}\n");
    auto p = w.run(bad, {"sync"}, "Q\"", kv);
    EXPECT_EQ(p.exitCode, 2) << describe(p);
    EXPECT_FALSE(contains(p.stderrText, "Q\"")) << p.stderrText;
    EXPECT_TRUE(contains(p.stderrText, "not '${CRM_PW}' (from the environment)")) << p.stderrText;
}

}  // namespace
}  // namespace intouch::opstest
