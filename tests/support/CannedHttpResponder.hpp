#pragma once
// A loopback HTTP server that answers every request with the same bytes, exactly as
// given, then closes the connection: for answers no simulator should be able to send
// (a gzip bomb, a body cut inside a chunk, an error page in windows-1250).

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace intouch::testsupport {

class CannedHttpResponder {
  public:
    explicit CannedHttpResponder(std::string answer);
    ~CannedHttpResponder();
    CannedHttpResponder(const CannedHttpResponder&) = delete;
    CannedHttpResponder& operator=(const CannedHttpResponder&) = delete;

    int port() const;
    // "http://127.0.0.1:<port>/api"
    std::string url() const;
    int connections() const { return connections_; }
    // Every request received so far, head and body (as far as its Content-Length says).
    std::vector<std::string> requests() const;

    // "HTTP/1.1 <status>\r\nConnection: close\r\n<extraHeaders>\r\n" (extraHeaders: each line
    // ending with \r\n).
    static std::string head(const std::string& status, const std::string& extraHeaders);

  private:
    void serve();

    std::string answer_;
    Poco::Net::ServerSocket socket_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

}  // namespace intouch::testsupport
