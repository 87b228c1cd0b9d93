// The metrics a Prometheus (node_exporter textfile collector or Pushgateway) reads
// after each run: names, HELP/TYPE lines, and values that agree with the runs tables
// and with what the simulator served.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>

#include "OpsWorld.hpp"
#include "support/PostgresInstance.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

// A parsed Prometheus text file: samples by their full series text, e.g.
// intouch_sync_stream_records_seen{schema="intouch",stream="parties"}.
struct Metrics {
    std::map<std::string, double> samples;
    std::map<std::string, std::string> types;  // family -> TYPE
    std::set<std::string> helped;              // families with a HELP line
    std::vector<std::string> problems;

    bool has(const std::string& series) const { return samples.count(series) > 0; }
    double at(const std::string& series) const {
        auto it = samples.find(series);
        if (it == samples.end()) throw std::runtime_error("no sample " + series);
        return it->second;
    }
};

Metrics parseMetrics(const std::string& text) {
    Metrics m;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# HELP ", 0) == 0) {
            m.helped.insert(line.substr(7, line.find(' ', 7) - 7));
        } else if (line.rfind("# TYPE ", 0) == 0) {
            auto name = line.substr(7, line.find(' ', 7) - 7);
            m.types[name] = line.substr(line.find(' ', 7) + 1);
        } else if (!line.empty()) {
            auto space = line.rfind(' ');
            std::string series = line.substr(0, space);
            std::string family = series.substr(0, series.find('{'));
            if (family.rfind("intouch_sync_", 0) != 0)
                m.problems.push_back("foreign name: " + line);
            if (!m.types.count(family) || !m.helped.count(family))
                m.problems.push_back("sample before its HELP/TYPE: " + line);
            if (m.samples.count(series)) m.problems.push_back("duplicate series: " + line);
            m.samples[series] = std::stod(line.substr(space + 1));
        }
    }
    return m;
}

std::string stream(const std::string& name, const std::string& s = "parties") {
    return name + "{schema=\"intouch\",stream=\"" + s + "\"}";
}
std::string runSeries(const std::string& name) {
    return name + "{schema=\"intouch\",command=\"sync\"}";
}
std::string outcome(const std::string& o) {
    return "intouch_sync_run_outcome{schema=\"intouch\",command=\"sync\",outcome=\"" + o + "\"}";
}

double epochNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(Metrics, FileHoldsPerStreamFiguresThatAgreeWithTheRunsTables) {
    // Every third request or so is answered 429 with Retry-After: 1.
    OpsWorld w(WorldOptions().withRecords(100).withPageSize(50).withMaxAttempts(8));
    w.migrate();
    w.setKnobs("fault_429=0.3&retry_after=1");
    const std::string file = (w.dir() / "intouch_sync.prom").string();
    auto p = w.run({"sync", "--metrics-file", file});
    ASSERT_EQ(p.exitCode, 0) << describe(p);

    const Metrics m = parseMetrics(ts::readFile(file));
    EXPECT_EQ(m.problems, std::vector<std::string>{});
    for (const auto& [family, type] : m.types) EXPECT_EQ(type, "gauge") << family;

    EXPECT_EQ(m.at(outcome("success")), 1);
    for (const char* o : {"partial", "failed", "interrupted", "locked"})
        EXPECT_EQ(m.at(outcome(o)), 0) << o;
    EXPECT_EQ(m.at(runSeries("intouch_sync_run_exit_code")), 0);
    EXPECT_NEAR(m.at(runSeries("intouch_sync_run_finished_timestamp_seconds")), epochNow(), 60);

    EXPECT_EQ(m.at(stream("intouch_sync_stream_records_seen")), 100);
    EXPECT_EQ(m.at(stream("intouch_sync_stream_records_upserted")), 100);
    EXPECT_EQ(m.at(stream("intouch_sync_stream_records_deleted")), 0);
    EXPECT_EQ(m.at(stream("intouch_sync_stream_records_rejected")), 0);
    EXPECT_EQ(m.at(stream("intouch_sync_stream_requests")),
              w.scalarLong("SELECT requests FROM intouch.sync_stream_runs"));
    EXPECT_EQ(m.at(runSeries("intouch_sync_run_requests")),
              w.scalarLong("SELECT requests FROM intouch.sync_runs"));
    EXPECT_EQ(m.at(runSeries("intouch_sync_run_retries")),
              w.scalarLong("SELECT retries FROM intouch.sync_runs"));
    EXPECT_EQ(m.at(runSeries("intouch_sync_run_bytes")),
              w.scalarLong("SELECT bytes FROM intouch.sync_runs"));

    // Only 429s were injected, so every retry of the stream is a 429, each after a wait of
    // at least the 1 s the server asked for.
    const double limited = m.at(stream("intouch_sync_stream_rate_limited_retries"));
    ASSERT_GT(limited, 0) << "the fault draw gave parties no 429; raise fault_429";
    EXPECT_EQ(m.at(stream("intouch_sync_stream_retries")), limited);
    EXPECT_GE(m.at(stream("intouch_sync_stream_retry_after_wait_seconds")), limited * 0.99);
    EXPECT_GE(m.at(stream("intouch_sync_stream_duration_seconds")),
              m.at(stream("intouch_sync_stream_retry_after_wait_seconds")));
    EXPECT_EQ(m.at("intouch_sync_stream_outcome{schema=\"intouch\",stream=\"parties\",outcome="
                   "\"success\"}"),
              1);

    EXPECT_NEAR(m.at(stream("intouch_sync_stream_last_success_timestamp_seconds")),
                std::stod(w.scalarText(
                    "SELECT extract(epoch FROM finished_at) FROM intouch.sync_stream_runs")),
                0.001);
    EXPECT_FALSE(m.has(stream("intouch_sync_stream_last_failure_timestamp_seconds")));
    const double checkpoint = std::stod(
        w.scalarText("SELECT extract(epoch FROM cursor_modified) FROM intouch.sync_state"));
    EXPECT_EQ(m.at(stream("intouch_sync_stream_checkpoint_timestamp_seconds")), checkpoint);
    EXPECT_NEAR(m.at(stream("intouch_sync_stream_lag_seconds")), epochNow() - checkpoint, 60);

    // Written by rename: nothing but the file is left in the directory.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(w.dir().path()))
        if (e.path().extension() == ".tmp" ||
            e.path().filename().string().find(".prom") != std::string::npos)
            names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"intouch_sync.prom"});
}

TEST(Metrics, AFailedRunStillPublishesItsOutcomeAndTheLastSuccess) {
    OpsWorld w(WorldOptions().withRecords(50));
    w.migrate();
    const std::string file = (w.dir() / "intouch_sync.prom").string();
    ASSERT_EQ(w.run({"sync", "--metrics-file", file}).exitCode, 0);
    const double success = parseMetrics(ts::readFile(file))
                               .at(stream("intouch_sync_stream_last_success_timestamp_seconds"));

    auto p = w.run({"sync", "--metrics-file", file}, {{"OPS_PASSWORD", "wrong-password"}});
    ASSERT_EQ(p.exitCode, 4) << describe(p);
    const Metrics m = parseMetrics(ts::readFile(file));
    EXPECT_EQ(m.at(outcome("failed")), 1);
    EXPECT_EQ(m.at(outcome("success")), 0);
    EXPECT_EQ(m.at(runSeries("intouch_sync_run_exit_code")), 4);
    EXPECT_EQ(m.at("intouch_sync_stream_outcome{schema=\"intouch\",stream=\"parties\",outcome="
                   "\"failed\"}"),
              1);
    EXPECT_EQ(m.at(stream("intouch_sync_stream_last_success_timestamp_seconds")), success);
    EXPECT_GT(m.at(stream("intouch_sync_stream_last_failure_timestamp_seconds")), success);
    EXPECT_TRUE(m.has(stream("intouch_sync_stream_lag_seconds")));
}

// Records every request, answers 200 like a Pushgateway.
class FakePushgateway {
  public:
    struct Push {
        std::string method, uri, contentType, body;
    };

    FakePushgateway()
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          server_(new Factory(*this), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~FakePushgateway() { server_.stopAll(true); }

    int port() const { return socket_.address().port(); }
    std::vector<Push> pushes() const {
        std::lock_guard lock(mutex_);
        return pushes_;
    }

  private:
    class Handler : public Poco::Net::HTTPRequestHandler {
      public:
        explicit Handler(FakePushgateway& g) : g_(g) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req,
                           Poco::Net::HTTPServerResponse& res) override {
            Push p{req.getMethod(), req.getURI(), req.getContentType(), {}};
            Poco::StreamCopier::copyToString(req.stream(), p.body);
            {
                std::lock_guard lock(g_.mutex_);
                g_.pushes_.push_back(p);
            }
            res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
            res.setContentLength(0);
            res.send();
        }

      private:
        FakePushgateway& g_;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
      public:
        explicit Factory(FakePushgateway& g) : g_(g) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(g_);
        }

      private:
        FakePushgateway& g_;
    };

    mutable std::mutex mutex_;
    std::vector<Push> pushes_;
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
};

TEST(Metrics, ConfigKeysWriteTheFileAndPushToThePushgateway) {
    FakePushgateway gateway;
    OpsWorld w(WorldOptions().withRecords(50).withExtraConfig(
        "metrics:\n  file: metrics/intouch_sync.prom\n  pushgateway: http://127.0.0.1:" +
        std::to_string(gateway.port()) + "/\n"));
    fs::create_directories(w.dir() / "metrics");
    w.migrate();
    auto p = w.run({"sync"});
    ASSERT_EQ(p.exitCode, 0) << describe(p);

    // Relative to the config file, like every path in it.
    const std::string text = ts::readFile(w.dir() / "metrics" / "intouch_sync.prom");
    ASSERT_FALSE(text.empty());
    auto pushes = gateway.pushes();
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(pushes[0].method, "PUT");
    EXPECT_EQ(pushes[0].uri, "/metrics/job/intouch_sync/schema/intouch");
    EXPECT_TRUE(contains(pushes[0].contentType, "text/plain; version=0.0.4"))
        << pushes[0].contentType;
    EXPECT_EQ(pushes[0].body, text);
    EXPECT_EQ(parseMetrics(pushes[0].body).at(stream("intouch_sync_stream_records_seen")), 50);
}

TEST(Metrics, PublishingProblemsOnlyWarnAndDryRunsPublishNothing) {
    OpsWorld w(WorldOptions().withRecords(50));
    w.migrate();
    const int closed = ts::pickFreeTcpPort();
    auto p = w.run({"sync", "--pushgateway", "http://127.0.0.1:" + std::to_string(closed),
                    "--metrics-file", (w.dir() / "no-such-dir" / "m.prom").string()});
    EXPECT_EQ(p.exitCode, 0) << describe(p);
    EXPECT_TRUE(contains(p.stderrText, "metrics: cannot push to the Pushgateway")) << p.stderrText;
    EXPECT_TRUE(contains(p.stderrText, "metrics: cannot write the file")) << p.stderrText;
    EXPECT_EQ(w.scalarText("SELECT outcome FROM intouch.sync_runs"), "success");

    const auto file = w.dir() / "dry.prom";
    auto dry = w.run({"sync", "--dry-run", "--metrics-file", file.string()});
    EXPECT_EQ(dry.exitCode, 0) << describe(dry);
    EXPECT_FALSE(fs::exists(file)) << "a dry run wrote metrics that look like a real sync";
    EXPECT_EQ(w.scalarText("SELECT count(*) FROM intouch.sync_runs"), "1")
        << "a dry run recorded itself in sync_runs";
    EXPECT_EQ(w.scalarText("SELECT count(DISTINCT run_id) FROM intouch.sync_stream_runs"), "1");
}

}  // namespace
}  // namespace intouch::opstest
