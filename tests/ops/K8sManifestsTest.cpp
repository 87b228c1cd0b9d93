// Issue 16, item 6: deploy/k8s/render-cronjobs.py renders one CronJob per source of a
// config. Checked without kubectl: the output parses as YAML, every CronJob names its
// source, runs one at a time, takes the CRM password from the source's Secret, pushes its
// metrics to the Pushgateway, and the sync.yaml it mounts is a config the connector accepts.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <regex>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

const char* kConfig = R"(sources:
  - {name: firma-a, url: https://firma-a.itcrm.cz/api, username: api-export, password: s3cret-a, schema: firma_a}
  - {name: firma-b, url: https://firma-b.itcrm.cz/api, username: api-b, schema: firma_b, requests_per_second: 2}
  - {name: klient-7, url: https://klient7.itcrm.cz/api, username: api-export, schema: klient_7}
target: {dsn: "host=postgres.warehouse.svc dbname=warehouse user=intouch_sync sslmode=require"}
metrics: {pushgateway: "http://prometheus-pushgateway.monitoring:9091"}
sync: {settle_seconds: 2}
)";

ts::CompletedProcess render(const fs::path& config, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"--config", config.string(), "--image",
                                  "registry.example.com/intouch-sync:1.0"};
    args.insert(args.end(), more.begin(), more.end());
    return ts::runToCompletion(sourceDir() + "/deploy/k8s/render-cronjobs.py", args, {}, 60s);
}

std::string envSecret(const YAML::Node& container, const std::string& var) {
    for (const auto& e : container["env"])
        if (e["name"].as<std::string>() == var && e["valueFrom"])
            return e["valueFrom"]["secretKeyRef"]["name"].as<std::string>() + "/" +
                   e["valueFrom"]["secretKeyRef"]["key"].as<std::string>();
    return "<none>";
}

// The connector accepts the config: `check` reads config and mappings, then fails only
// because there is no PostgreSQL (exit 6).
void expectConnectorAccepts(const std::string& syncYaml, const fs::path& path) {
    std::ofstream(path) << std::regex_replace(syncYaml, std::regex("/usr/share/intouch-sync"),
                                              sourceDir());
    auto p = ts::runToCompletion(syncBinary(), {"check", "--config", path.string()},
                                 {{"INTOUCH_PASSWORD", "x"},
                                  {"INTOUCH_PII_KEY", "k"},
                                  {"PGCONNECT_TIMEOUT", "2"}},
                                 60s);
    EXPECT_EQ(p.exitCode, 6) << describe(p);
    EXPECT_TRUE(contains(p.stdoutText, ": ok")) << p.stdoutText;
}

TEST(K8sManifests, OneForbidConcurrentCronJobPerSourceWithItsSecretAndSchema) {
    ts::TempDirectory dir("k8s");
    std::ofstream(dir / "warehouse.yaml") << kConfig;
    auto p = render(dir / "warehouse.yaml");
    ASSERT_EQ(p.exitCode, 0) << describe(p);
    EXPECT_FALSE(contains(p.stdoutText, "s3cret-a")) << "a password never reaches a manifest";

    std::vector<YAML::Node> docs;
    ASSERT_NO_THROW(docs = YAML::LoadAll(p.stdoutText)) << p.stdoutText;
    std::map<std::string, YAML::Node> configMaps, cronJobs;
    for (const auto& d : docs) {
        const std::string kind = d["kind"].as<std::string>();
        (kind == "CronJob" ? cronJobs : configMaps)[d["metadata"]["name"].as<std::string>()] = d;
        EXPECT_TRUE(kind == "CronJob" || kind == "ConfigMap") << kind;
    }
    const std::map<std::string, std::string> schemaOf{
        {"firma-a", "firma_a"}, {"firma-b", "firma_b"}, {"klient-7", "klient_7"}};
    ASSERT_EQ(cronJobs.size(), schemaOf.size());
    for (const auto& [source, schema] : schemaOf) {
        SCOPED_TRACE(source);
        const std::string name = "intouch-sync-" + source;
        ASSERT_TRUE(cronJobs.count(name));
        const YAML::Node cj = cronJobs.at(name);
        EXPECT_EQ(cj["apiVersion"].as<std::string>(), "batch/v1");
        EXPECT_EQ(cj["metadata"]["labels"]["intouch-sync/source"].as<std::string>(), source);
        EXPECT_EQ(cj["spec"]["concurrencyPolicy"].as<std::string>(), "Forbid");
        const YAML::Node pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        const YAML::Node c = pod["containers"][0];
        EXPECT_EQ(envSecret(c, "INTOUCH_PASSWORD"), name + "/intouch-password");
        EXPECT_EQ(envSecret(c, "PGPASSWORD"), "intouch-sync-postgres/pg-password");
        EXPECT_EQ(envSecret(c, "INTOUCH_PII_KEY"), "intouch-sync-pii/pii-key");
        EXPECT_EQ(c["args"][0].as<std::string>(), "sync");
        const std::string mounted = pod["volumes"][0]["configMap"]["name"].as<std::string>();
        ASSERT_TRUE(configMaps.count(mounted));

        const std::string syncYaml = configMaps.at(mounted)["data"]["sync.yaml"].as<std::string>();
        const YAML::Node config = YAML::Load(syncYaml);
        EXPECT_EQ(config["target"]["schema"].as<std::string>(), schema);
        EXPECT_EQ(config["source"]["password"].as<std::string>(), "${INTOUCH_PASSWORD}");
        EXPECT_EQ(config["metrics"]["pushgateway"].as<std::string>(),
                  "http://prometheus-pushgateway.monitoring:9091");
        expectConnectorAccepts(syncYaml, dir / (source + ".yaml"));
    }
}

TEST(K8sManifests, AnOutputDirectoryIsAKustomizationAndBadSourcesAreRefused) {
    ts::TempDirectory dir("k8s");
    std::ofstream(dir / "warehouse.yaml") << kConfig;
    auto p = render(dir / "warehouse.yaml", {"--output-dir", (dir / "out").string()});
    ASSERT_EQ(p.exitCode, 0) << describe(p);
    const YAML::Node k = YAML::LoadFile((dir / "out" / "kustomization.yaml").string());
    ASSERT_EQ(k["resources"].size(), 3u);
    for (const auto& r : k["resources"])
        EXPECT_EQ(YAML::LoadAllFromFile((dir / "out" / r.as<std::string>()).string()).size(), 2u);

    std::string twice = kConfig;
    twice.replace(twice.find("schema: firma_b"), 15, "schema: firma_a");
    std::ofstream(dir / "twice.yaml") << twice;
    auto refused = render(dir / "twice.yaml");
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_TRUE(contains(refused.stderrText, "schema firma_a is used by another source"))
        << describe(refused);
}

}  // namespace
}  // namespace intouch::opstest
