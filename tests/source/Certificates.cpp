#include "Certificates.hpp"

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/ChildProcess.hpp"

namespace intouch::srctest {

namespace fs = std::filesystem;
namespace ts = intouch::testsupport;

namespace {

// Every path passed is absolute: runToCompletion runs in the test's working directory.
void openssl(const std::vector<std::string>& args) {
    ts::CompletedProcess p = ts::runToCompletion("openssl", args, {}, std::chrono::seconds(30));
    if (p.exitCode != 0) {
        std::string cmd = "openssl";
        for (const auto& a : args) cmd += " " + a;
        throw std::runtime_error(cmd + " failed (exit " + std::to_string(p.exitCode) + "):\n" +
                                 p.stdoutText + p.stderrText);
    }
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

// EC keys: generated in milliseconds, unlike RSA.
std::vector<std::string> newKey(const fs::path& key) {
    return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.string()};
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

TestCertificates::TestCertificates() : dir_("intouch-certs") {
    const fs::path d = dir_.path();
    const fs::path caKey = d / "ca.key";
    caCert_ = d / "ca.pem";
    openssl(concat(concat({"req", "-x509"}, newKey(caKey)),
                   {"-out", caCert_.string(), "-days", "2", "-subj", "/CN=intouch test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign"}));

    auto extFile = [&](const std::string& name, const std::string& san) {
        const fs::path p = d / (name + ".ext");
        writeText(p, "subjectAltName=" + san +
                         "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        return p;
    };
    auto request = [&](const std::string& name, const std::string& cn) {
        CertificatePair pair{d / (name + ".pem"), d / (name + ".key")};
        openssl(concat(concat({"req", "-new"}, newKey(pair.key)),
                       {"-out", (d / (name + ".csr")).string(), "-subj", "/CN=" + cn}));
        return pair;
    };
    auto signByCa = [&](const std::string& name, const std::string& cn, const std::string& san, int serial) {
        CertificatePair pair = request(name, cn);
        openssl({"x509", "-req", "-in", (d / (name + ".csr")).string(), "-CA", caCert_.string(),
                 "-CAkey", caKey.string(), "-set_serial", std::to_string(serial), "-days", "2",
                 "-out", pair.cert.string(), "-extfile", extFile(name, san).string()});
        return pair;
    };

    good_ = signByCa("good", "127.0.0.1", "IP:127.0.0.1,DNS:localhost", 2);
    wrongHost_ = signByCa("wrong-host", "wrong.example.com", "DNS:wrong.example.com", 3);

    // `openssl x509` cannot back-date; `openssl ca` can, with a throwaway database.
    expired_ = request("expired", "127.0.0.1");
    fs::create_directories(d / "db");
    writeText(d / "db" / "index.txt", "");
    writeText(d / "db" / "serial", "04\n");
    writeText(d / "ca.cnf", "[ca]\ndefault_ca = test\n[test]\ndatabase = " + (d / "db" / "index.txt").string() +
                                "\nserial = " + (d / "db" / "serial").string() +
                                "\nnew_certs_dir = " + (d / "db").string() +
                                "\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
                                "[any]\ncommonName = supplied\n");
    openssl({"ca", "-batch", "-notext", "-config", (d / "ca.cnf").string(), "-cert", caCert_.string(),
             "-keyfile", caKey.string(), "-in", (d / "expired.csr").string(), "-out",
             expired_.cert.string(), "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
             "-extfile", extFile("expired", "IP:127.0.0.1,DNS:localhost").string()});

    selfSigned_ = {d / "self.pem", d / "self.key"};
    openssl(concat(concat({"req", "-x509"}, newKey(selfSigned_.key)),
                   {"-out", selfSigned_.cert.string(), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"}));
}

}  // namespace intouch::srctest
