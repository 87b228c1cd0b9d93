#include "cli/MetricsFile.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "common/SecretForms.hpp"
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace intouch {

namespace {

std::string escapeLabelValue(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string escapeHelp(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

// Shortest text that reads back as the same double: 1764383591.292, 0.5, 42.
std::string formatValue(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc{}) return "NaN";
    return std::string(buf, end);
}

std::string errnoText(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

void PrometheusText::family(const std::string& name, const std::string& type,
                            const std::string& help) {
    current_ = name;
    text_ += "# HELP " + name + " " + escapeHelp(help) + "\n";
    text_ += "# TYPE " + name + " " + type + "\n";
}

void PrometheusText::sample(const MetricLabels& labels, double value) {
    text_ += current_;
    if (!labels.empty()) {
        text_ += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (i) text_ += ',';
            text_ += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
        }
        text_ += '}';
    }
    text_ += ' ' + formatValue(value) + '\n';
}

void writeFileAtomically(const std::string& path, const std::string& content) {
    const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
    // The textfile directory is often shared: never follow a link someone put at the temp
    // path, never write into a file that already exists. A leftover of a crashed run with
    // the same pid is removed first (unlink removes a link itself, not its target).
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
        throw std::runtime_error(errnoText("cannot remove the stale", tmp));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error(errnoText("cannot create", tmp));
    // node_exporter runs as another user: readable by all whatever the umask.
    if (::fchmod(fd, 0644) != 0) {
        std::string err = errnoText("cannot chmod", tmp);
        ::close(fd);
        ::unlink(tmp.c_str());
        throw std::runtime_error(err);
    }
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            std::string err = errnoText("cannot write", tmp);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error(err);
        }
        done += static_cast<std::size_t>(n);
    }
    // The rename must not become visible before the data (a crash would leave an empty file).
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        std::string err = errnoText("cannot write", tmp);
        ::unlink(tmp.c_str());
        throw std::runtime_error(err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string err = errnoText("cannot rename " + tmp + " to", path);
        ::unlink(tmp.c_str());
        throw std::runtime_error(err);
    }
}

void pushToGateway(const std::string& baseUrl, const std::string& job,
                   const MetricLabels& grouping, const std::string& body, double timeoutSeconds) {
    Poco::URI uri;
    try {
        uri = Poco::URI(baseUrl);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("pushgateway URL '" + secrets::withoutUserInfo(baseUrl) +
                                 "' is invalid: " + e.message());
    }
    std::string path = uri.getPath();
    while (!path.empty() && path.back() == '/') path.pop_back();
    path += "/metrics/job/" + job;
    for (const auto& [label, value] : grouping) {
        std::string encoded;
        Poco::URI::encode(value, "/?#%", encoded);
        path += "/" + label + "/" + encoded;
    }
    // Named in messages without the user info, which may hold a password.
    const std::string target =
        uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort()) + path;
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "https") {
            static std::once_flag once;
            std::call_once(once, [] { Poco::Net::initializeSSL(); });
            Poco::Net::Context::Params params;
            params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
            params.loadDefaultCAs = true;
            Poco::Net::Context::Ptr context =
                new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
            // Never ask on a console that a cron job does not have.
            context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                      context);
        } else if (uri.getScheme() == "http") {
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        } else {
            throw std::runtime_error("pushgateway URL '" + secrets::withoutUserInfo(baseUrl) +
                                     "' must start with http(s)://");
        }
        session->setTimeout(
            Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeoutSeconds * 1e6)));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_PUT, path,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("text/plain; version=0.0.4; charset=utf-8");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        if (const auto creds = secrets::urlCredentials(baseUrl); creds.present) {
            // user:password@ in the URL is the usual way to reach a protected gateway; both
            // are percent-encoded there (a password may hold @ : / %).
            Poco::Net::HTTPBasicCredentials credentials(creds.user, creds.password);
            credentials.authenticate(request);
        }
        session->sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        std::string answer;
        Poco::StreamCopier::copyToString(in, answer);
        if (response.getStatus() / 100 != 2)
            throw std::runtime_error("PUT " + target + " answered " +
                                     std::to_string(static_cast<int>(response.getStatus())) + " " +
                                     response.getReason() + ": " + answer.substr(0, 200));
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("PUT " + target + " failed: " + e.displayText());
    }
}

}  // namespace intouch
