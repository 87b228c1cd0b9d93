#pragma once
// The input of the micro-benchmarks: one 1000-record page of parties exactly as
// the API serves it (orderBy=modified). bench/run.sh captures a real page from
// the running simulator with curl and passes it in INTOUCH_BENCH_PAGE; without
// it the page is rendered in-process by the simulator's own code, so that
// micro_bench also runs alone, with no server and no network.

#include <string>

namespace intouch::bench {

// The page's JSON text. Throws std::runtime_error when INTOUCH_BENCH_PAGE names
// an unreadable file.
std::string loadSamplePage();

// mappings/parties.yaml of the source tree, or INTOUCH_BENCH_MAPPING.
std::string partiesMappingPath();

}  // namespace intouch::bench
