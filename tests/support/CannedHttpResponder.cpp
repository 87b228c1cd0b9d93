#include "support/CannedHttpResponder.hpp"

#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cctype>

namespace intouch::testsupport {

CannedHttpResponder::CannedHttpResponder(std::string answer)
    : answer_(std::move(answer)), socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    thread_ = std::thread([this] { serve(); });
}

CannedHttpResponder::~CannedHttpResponder() {
    stop_ = true;
    thread_.join();
}

int CannedHttpResponder::port() const { return socket_.address().port(); }

std::string CannedHttpResponder::url() const {
    return "http://127.0.0.1:" + std::to_string(port()) + "/api";
}

std::vector<std::string> CannedHttpResponder::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string CannedHttpResponder::head(const std::string& status, const std::string& extraHeaders) {
    return "HTTP/1.1 " + status + "\r\nConnection: close\r\n" + extraHeaders + "\r\n";
}

void CannedHttpResponder::serve() {
    while (!stop_) {
        if (!socket_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
        Poco::Net::StreamSocket peer;
        try {
            peer = socket_.acceptConnection();
        } catch (const Poco::Exception&) {
            continue;
        }
        ++connections_;
        peer.setReceiveTimeout(Poco::Timespan(2, 0));
        peer.setSendTimeout(Poco::Timespan(5, 0));
        try {
            std::string request;
            char buf[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                const int n = peer.receiveBytes(buf, sizeof buf);
                if (n <= 0) break;
                request.append(buf, static_cast<std::size_t>(n));
            }
            const auto headEnd = request.find("\r\n\r\n");
            std::string lower = request.substr(0, headEnd);
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (const auto cl = lower.find("content-length:"); cl != std::string::npos && headEnd != std::string::npos) {
                const std::size_t length = std::stoul(lower.substr(cl + 15));
                while (request.size() < headEnd + 4 + length) {
                    const int n = peer.receiveBytes(buf, sizeof buf);
                    if (n <= 0) break;
                    request.append(buf, static_cast<std::size_t>(n));
                }
            }
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(request);
            }
            for (std::size_t done = 0; done < answer_.size();) {
                const int n = peer.sendBytes(
                    answer_.data() + done, static_cast<int>(std::min<std::size_t>(answer_.size() - done, 65536)));
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
            peer.shutdownSend();
        } catch (const Poco::Exception&) {
            // The client stopped reading (over its limit) or went away: expected.
        }
        try {
            peer.close();
        } catch (const Poco::Exception&) {
        }
    }
}

}  // namespace intouch::testsupport
