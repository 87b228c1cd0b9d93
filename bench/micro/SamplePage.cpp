#include "SamplePage.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ApiHandlers.h"
#include "Simulator.h"

namespace intouch::bench {

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read INTOUCH_BENCH_PAGE file " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string renderPage() {
    // Same seed and defaults as intouch-sim; 1000 records make one full page.
    sim::SimConfig cfg;
    cfg.records = 1000;
    sim::Simulator simulator(cfg);
    sim::ApiHandlers api(simulator);
    sim::SimRequest req;
    req.path = "/api/parties";
    req.query = {{"position", "0"}, {"size", "1000"}, {"orderBy", "modified"}};
    req.authorization = "Basic YXBpOnNlY3JldA==";  // api:secret, the simulator's default
    sim::SimResponse r = api.handle(req);
    if (r.status != 200) throw std::runtime_error("the in-process simulator answered " + std::to_string(r.status));
    return r.body;
}

}  // namespace

std::string loadSamplePage() {
    const char* path = std::getenv("INTOUCH_BENCH_PAGE");
    if (path && *path) return readFile(path);
    return renderPage();
}

std::string partiesMappingPath() {
    const char* path = std::getenv("INTOUCH_BENCH_MAPPING");
    if (path && *path) return path;
    return std::string(INTOUCH_SOURCE_DIR) + "/mappings/parties.yaml";
}

}  // namespace intouch::bench
