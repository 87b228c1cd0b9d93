#pragma once
// Prometheus text exposition format (version 0.0.4), written for node_exporter's
// textfile collector or pushed to a Pushgateway. intouch-sync runs as a short
// job, so there is no endpoint to scrape: the job leaves its numbers behind.

#include <string>
#include <utility>
#include <vector>

namespace intouch {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
  public:
    // Starts a metric family: HELP and TYPE once, before its samples (the
    // format wants all samples of a family together).
    void family(const std::string& name, const std::string& type, const std::string& help);
    // A sample of the family started last.
    void sample(const MetricLabels& labels, double value);

    const std::string& text() const { return text_; }

  private:
    std::string text_;
    std::string current_;
};

// Writes <path>.<pid>.tmp in the same directory, then renames it over path:
// the collector reads either the old file or the new one, never half of one
// (and ignores the temp file, which does not end in .prom). Throws std::runtime_error.
void writeFileAtomically(const std::string& path, const std::string& content);

// PUT <baseUrl>/metrics/job/<job>/<label>/<value>...: replaces the metrics of that group
// (job and grouping labels) in the gateway, and only those.
// Throws std::runtime_error naming the URL and the answer.
void pushToGateway(const std::string& baseUrl, const std::string& job,
                   const MetricLabels& grouping, const std::string& body, double timeoutSeconds);

}  // namespace intouch
