// The shipped deploy/ files: nothing here can run a container or a cluster, so each
// file is checked as far as this machine allows -- systemd's own verifier, a YAML
// parse with the fields that matter, the Dockerfile (it installs the Debian package; see
// PackageTest for the package against the binary's real libraries), and every command
// line they contain against the CLI's parser.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "OpsWorld.hpp"

namespace intouch::opstest {
namespace {

namespace fs = std::filesystem;

std::string deployFile(const std::string& rel) {
    return sourceDir() + "/deploy/" + rel;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// `intouch-sync <args> --help` parses every option before printing help, so a
// misspelt flag in a shipped command line fails here (exit 2) instead of at 3 a.m.
void expectCliAccepts(std::vector<std::string> args, const std::string& where) {
    args.push_back("--help");
    auto p = ts::runToCompletion(syncBinary(), args, {}, 30s);
    EXPECT_EQ(p.exitCode, 0) << where << ": " << describe(p);
}

// "Key=value" lines of a unit file (continuations joined), in order.
std::vector<std::pair<std::string, std::string>> unitSettings(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(text);
    std::string line, pending;
    while (std::getline(in, line)) {
        if (!pending.empty()) {
            line = pending + " " + line.substr(line.find_first_not_of(' '));
            pending.clear();
        }
        if (line.empty() || line[0] == '#' || line[0] == '[') continue;
        if (line.back() == '\\') {
            pending = line.substr(0, line.size() - 1);
            continue;
        }
        auto eq = line.find('=');
        if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    }
    return out;
}

std::string setting(const std::vector<std::pair<std::string, std::string>>& s,
                    const std::string& key) {
    for (const auto& [k, v] : s)
        if (k == key) return v;
    return "<unset>";
}

TEST(DeployFiles, SystemdUnitsPassSystemdAnalyzeVerify) {
    if (ts::runToCompletion("sh", {"-c", "command -v systemd-analyze"}).exitCode != 0)
        GTEST_SKIP()
            << "systemd-analyze is not installed (deploy/install-deps.sh installs systemd)";
    ts::TempDirectory dir("units");
    const std::string service = ts::readFile(deployFile("systemd/intouch-sync.service"));
    const std::string timer = ts::readFile(deployFile("systemd/intouch-sync.timer"));
    ASSERT_FALSE(service.empty());
    ASSERT_FALSE(timer.empty());
    // verify insists that ExecStart's program exists: point it at the one just built.
    const std::string installed = "/usr/local/bin/intouch-sync";
    ASSERT_TRUE(contains(service, "ExecStart=" + installed + " "));
    std::string local = std::regex_replace(service, std::regex(installed), syncBinary());
    std::ofstream(dir / "intouch-sync.service") << local;
    std::ofstream(dir / "intouch-sync.timer") << timer;

    auto p = ts::runToCompletion("systemd-analyze",
                                 {"verify", "--man=no", (dir / "intouch-sync.service").string(),
                                  (dir / "intouch-sync.timer").string()},
                                 {}, 60s);
    EXPECT_EQ(p.exitCode, 0) << describe(p);
    // verify only warns about unknown keys and unparsable values; here a warning is an error.
    EXPECT_EQ(p.stdoutText + p.stderrText, "");

    const auto s = unitSettings(service);
    EXPECT_EQ(setting(s, "Type"), "oneshot");
    EXPECT_EQ(setting(s, "EnvironmentFile"), "/etc/intouch-sync/intouch-sync.env");
    EXPECT_EQ(setting(s, "NoNewPrivileges"), "yes");
    EXPECT_EQ(setting(s, "ProtectSystem"), "strict");
    EXPECT_NE(setting(s, "User"), "<unset>");
    EXPECT_NE(setting(s, "User"), "root");
    auto exec = words(setting(s, "ExecStart"));
    ASSERT_GE(exec.size(), 2u);
    expectCliAccepts({exec.begin() + 1, exec.end()}, "ExecStart");

    const auto t = unitSettings(timer);
    EXPECT_EQ(setting(t, "OnCalendar"), "*:0/10");
    EXPECT_EQ(setting(t, "Persistent"), "true");
    EXPECT_EQ(setting(t, "Unit"), "intouch-sync.service");
    EXPECT_EQ(setting(t, "WantedBy"), "timers.target");
}

const YAML::Node* findKind(const std::vector<YAML::Node>& docs, const std::string& kind) {
    for (const auto& d : docs)
        if (d["kind"] && d["kind"].as<std::string>() == kind) return &d;
    return nullptr;
}

TEST(DeployFiles, KubernetesCronJobIsForbidConcurrentWithPasswordFromASecret) {
    std::vector<YAML::Node> docs;
    ASSERT_NO_THROW(docs = YAML::LoadAllFromFile(deployFile("kubernetes/cronjob.yaml")));
    const YAML::Node* cronJob = findKind(docs, "CronJob");
    const YAML::Node* configMap = findKind(docs, "ConfigMap");
    ASSERT_NE(cronJob, nullptr);
    ASSERT_NE(configMap, nullptr);
    const YAML::Node& cj = *cronJob;
    EXPECT_EQ(cj["apiVersion"].as<std::string>(), "batch/v1");
    EXPECT_EQ(cj["spec"]["concurrencyPolicy"].as<std::string>(), "Forbid");
    EXPECT_EQ(cj["spec"]["schedule"].as<std::string>(), "*/10 * * * *");
    const YAML::Node pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    ASSERT_TRUE(pod.IsMap());
    EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
    EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
    ASSERT_EQ(pod["containers"].size(), 1u);
    const YAML::Node c = pod["containers"][0];

    bool passwordFromSecret = false;
    for (const auto& env : c["env"]) {
        const std::string name = env["name"].as<std::string>();
        if (name.find("PASSWORD") != std::string::npos) {
            EXPECT_FALSE(env["value"]) << name << " must not be written into the manifest";
            EXPECT_TRUE(env["valueFrom"]["secretKeyRef"]["name"]) << name;
            EXPECT_TRUE(env["valueFrom"]["secretKeyRef"]["key"]) << name;
        }
        if (name == "INTOUCH_PASSWORD" && env["valueFrom"]["secretKeyRef"])
            passwordFromSecret = true;
    }
    EXPECT_TRUE(passwordFromSecret);
    EXPECT_TRUE(c["resources"]["requests"]["memory"]);
    EXPECT_TRUE(c["resources"]["requests"]["cpu"]);
    EXPECT_TRUE(c["resources"]["limits"]["memory"]);
    EXPECT_FALSE(c["securityContext"]["allowPrivilegeEscalation"].as<bool>());

    // The config the container reads is the ConfigMap of this file, mounted where --config points.
    auto args = c["args"].as<std::vector<std::string>>();
    expectCliAccepts(args, "CronJob args");
    auto config = std::find(args.begin(), args.end(), "--config");
    ASSERT_NE(config, args.end());
    ASSERT_NE(config + 1, args.end());
    const std::string mountDir = fs::path(*(config + 1)).parent_path().string();
    bool mounted = false;
    for (const auto& m : c["volumeMounts"]) {
        if (m["mountPath"].as<std::string>() != mountDir) continue;
        for (const auto& v : pod["volumes"])
            if (v["name"].as<std::string>() == m["name"].as<std::string>() &&
                v["configMap"]["name"].as<std::string>() ==
                    (*configMap)["metadata"]["name"].as<std::string>())
                mounted = true;
    }
    EXPECT_TRUE(mounted) << "no volume mounts the ConfigMap at " << mountDir;
    EXPECT_TRUE((*configMap)["data"][fs::path(*(config + 1)).filename().string()]);
}

// `check` validates the config file and every mapping before it connects anywhere, so an
// unreachable database (exit 6, after "config ...: ok") proves the config is valid.
void expectValidConfig(const std::string& path, const std::string& what) {
    ts::Environment env = {
        {"INTOUCH_PASSWORD", "x"},
        {"INTOUCH_PII_KEY", "k"},
        {"INTOUCH_URL", "https://crm.invalid/api"},
        {"INTOUCH_TARGET_DSN", "host=/nonexistent-socket-dir dbname=none connect_timeout=2"}};
    auto p = ts::runToCompletion(syncBinary(), {"check", "--config", path}, env, 60s);
    EXPECT_EQ(p.exitCode, 6) << what << ": " << describe(p);
    EXPECT_TRUE(contains(p.stdoutText, "config " + path + ": ok")) << what << ": " << p.stdoutText;
    EXPECT_TRUE(std::regex_search(p.stdoutText, std::regex(R"(mappings .*: 11 stream\(s\) ok)")))
        << what << ": " << p.stdoutText;
}

TEST(DeployFiles, ShippedConfigsAreValid) {
    ts::TempDirectory dir("configs");
    // In a checkout, the example's relative paths reach mappings/ and migrations/.
    expectValidConfig(deployFile("config.example.yaml"), "deploy/config.example.yaml");
    // The image's config and the ConfigMap's point at /usr/share/intouch-sync.
    auto relocate = [&](const std::string& text, const std::string& name) {
        std::string local =
            std::regex_replace(text, std::regex("/usr/share/intouch-sync"), sourceDir());
        const std::string path = (dir / name).string();
        std::ofstream(path) << local;
        return path;
    };
    expectValidConfig(relocate(ts::readFile(deployFile("config.container.yaml")), "container.yaml"),
                      "deploy/config.container.yaml");
    auto docs = YAML::LoadAllFromFile(deployFile("kubernetes/cronjob.yaml"));
    const YAML::Node* configMap = findKind(docs, "ConfigMap");
    ASSERT_NE(configMap, nullptr);
    expectValidConfig(
        relocate((*configMap)["data"]["sync.yaml"].as<std::string>(), "configmap.yaml"),
        "ConfigMap sync.yaml");
}

// Dockerfile instructions with continuation lines joined.
std::vector<std::string> dockerInstructions(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line, current;
    while (std::getline(in, line)) {
        auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        bool more = line.back() == '\\';
        if (more) line.pop_back();
        current += (current.empty() ? "" : " ") + line.substr(first);
        if (!more) {
            out.push_back(current);
            current.clear();
        }
    }
    return out;
}

// Package names after `apt-get install` up to the next `&&`.
std::set<std::string> aptInstalls(const std::string& run) {
    std::set<std::string> out;
    auto w = words(run);
    for (std::size_t i = 0; i + 1 < w.size(); ++i) {
        if (w[i] != "apt-get" || w[i + 1] != "install") continue;
        for (std::size_t j = i + 2; j < w.size() && w[j] != "&&"; ++j)
            if (w[j][0] != '-') out.insert(w[j]);
    }
    return out;
}

TEST(DeployFiles, DockerfileRuntimeStageInstallsThePackageBuiltInTheBuildStage) {
    const auto instructions = dockerInstructions(ts::readFile(deployFile("Dockerfile")));
    ASSERT_FALSE(instructions.empty());
    std::vector<std::vector<std::string>> stages;
    for (const auto& i : instructions) {
        if (i.rfind("FROM ", 0) == 0) stages.emplace_back();
        if (!stages.empty()) stages.back().push_back(i);
    }
    ASSERT_EQ(stages.size(), 2u) << "multi-stage: build, runtime";
    EXPECT_EQ(stages[0][0], "FROM debian:12 AS build");
    EXPECT_EQ(stages[1][0], "FROM debian:12-slim AS runtime");

    std::set<std::string> buildPackages, runtimePackages;
    for (const auto& i : stages[0])
        if (i.rfind("RUN ", 0) == 0) buildPackages.merge(aptInstalls(i));
    for (const auto& i : stages[1])
        if (i.rfind("RUN ", 0) == 0) runtimePackages.merge(aptInstalls(i));

    // Build packages come from the one dependency list.
    const std::string deps = ts::readFile(sourceDir() + "/deploy/install-deps.sh");
    for (const auto& pkg : buildPackages)
        EXPECT_TRUE(std::regex_search(
            deps, std::regex("[ (]" + std::regex_replace(pkg, std::regex(R"([+.])"), R"(\$&)") +
                             "[ )\n]")))
            << pkg << " is not in deploy/install-deps.sh";

    // The runtime stage installs the Debian package the build stage made, and nothing
    // else by name: its Depends (dpkg-shlibdeps; PackageTest checks them against the
    // binary's libraries) bring the libraries, CA roots and zone data.
    bool packaged = false;
    for (const auto& i : stages[0])
        if (i.rfind("RUN ", 0) == 0 && contains(i, "cpack -G DEB -B /build/package")) packaged = true;
    EXPECT_TRUE(packaged) << "the build stage runs cpack -G DEB";
    EXPECT_EQ(runtimePackages, std::set<std::string>{"/tmp/intouch-sync.deb"});
    bool copied = false;
    for (const auto& i : stages[1])
        if (i == "COPY --from=build /build/package/intouch-sync_*.deb /tmp/intouch-sync.deb") copied = true;
    EXPECT_TRUE(copied) << "the runtime stage copies the package from the build stage";

    std::string user, entrypoint, cmd;
    for (const auto& i : stages[1]) {
        if (i.rfind("USER ", 0) == 0) user = i.substr(5);
        if (i.rfind("ENTRYPOINT ", 0) == 0) entrypoint = i.substr(11);
        if (i.rfind("CMD ", 0) == 0) cmd = i.substr(4);
        // Every file the image copies from the context exists in the repository.
        if (i.rfind("COPY ", 0) == 0 && i.find("--from=") == std::string::npos) {
            auto w = words(i);
            for (std::size_t k = 1; k + 1 < w.size(); ++k)
                EXPECT_TRUE(fs::exists(sourceDir() + "/" + w[k])) << i;
        }
    }
    EXPECT_TRUE(std::regex_match(user, std::regex(R"([1-9]\d*:[1-9]\d*)"))) << "USER " << user;
    EXPECT_EQ(entrypoint, "[\"/usr/bin/intouch-sync\"]");
    YAML::Node cmdArgs = YAML::Load(cmd);  // exec form is a JSON array
    expectCliAccepts(cmdArgs.as<std::vector<std::string>>(), "Dockerfile CMD");
    for (const auto& i : stages[0])
        if (i.rfind("COPY ", 0) == 0) {
            auto w = words(i);
            for (std::size_t k = 1; k + 1 < w.size(); ++k)
                EXPECT_TRUE(fs::exists(sourceDir() + "/" + w[k])) << i;
        }
}

}  // namespace
}  // namespace intouch::opstest
