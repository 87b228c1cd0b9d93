// Micro-benchmarks of the connector's per-page CPU work, outside any I/O, on one
// 1000-record parties page (see SamplePage.hpp): parsing the JSON text, mapping
// the records with mappings/parties.yaml, and the writer's in-process work
// (copying the mapped rows into the page batch, formatting COPY text lines).
// Figures, not assertions: bench/run.sh prints them next to the end-to-end run so
// that the share of each step in the connector's CPU can be read off.

#include <benchmark/benchmark.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "SamplePage.hpp"
#include "common/Json.hpp"
#include "mapping/MappingLoader.hpp"
#include "mapping/Md5.hpp"
#include "mapping/RecordMapper.hpp"
#include "mapping/TimeZone.hpp"
#include "sink/CopyWriter.hpp"

#ifdef INTOUCH_BENCH_POCO_JSON
#include <Poco/JSON/Parser.h>
#endif

namespace {

using namespace intouch;

// Loaded once: every benchmark works on the same page.
struct Fixture {
    std::string text;
    json::Value doc;
    StreamSpec spec;
    std::optional<RecordMapper> mapper;
    std::vector<MappedRecord> mapped;
    std::vector<std::string> recordTexts;  // each record's compact JSON: what record_hash hashes

    Fixture() : text(bench::loadSamplePage()), doc(json::parse(text)),
                spec(loadMappingFile(bench::partiesMappingPath())) {
        mapper.emplace(spec, TimeZone::load("Europe/Prague"));
        for (const auto& item : items()) mapped.push_back(mapper->map(item, text));
        for (const auto& item : items()) recordTexts.push_back(item.toJson());
    }
    const std::vector<json::Value>& items() const { return doc.find("items")->items(); }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void countRecords(benchmark::State& state, std::size_t perIteration) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * perIteration));
}

// json::parse of the whole page text, as ApiClient does for every answer.
void BM_ParsePage(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        json::Value v = json::parse(f.text);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.text.size()));
    countRecords(state, f.items().size());
}
BENCHMARK(BM_ParsePage)->Unit(benchmark::kMillisecond);

#ifdef INTOUCH_BENCH_POCO_JSON
// Poco::JSON::Parser on the same text: the issue asked whether Poco's parser
// would dominate; this puts our parser next to it.
void BM_PocoParsePage(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(f.text);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.text.size()));
    countRecords(state, f.items().size());
}
BENCHMARK(BM_PocoParsePage)->Unit(benchmark::kMillisecond);
#endif

// RecordMapper::map of every record of the page (columns, contacts, extra, hash),
// given the page text as ListReader gives it (the hash reads the received bytes).
void BM_MapPage(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        for (const auto& item : f.items()) {
            MappedRecord r = f.mapper->map(item, f.text);
            benchmark::DoNotOptimize(r);
        }
    }
    countRecords(state, f.items().size());
}
BENCHMARK(BM_MapPage)->Unit(benchmark::kMillisecond);

// Re-serializing each record, as map() does for the hash when it has no page text
// or the record's bytes are not in compact form (the connector's path before
// the received bytes were hashed): what hashing the received bytes saves.
void BM_RecordToJsonForHash(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        for (const auto& item : f.items()) {
            std::string s = item.toJson();
            benchmark::DoNotOptimize(s);
        }
    }
    countRecords(state, f.items().size());
}
BENCHMARK(BM_RecordToJsonForHash)->Unit(benchmark::kMillisecond);

// record_hash alone: md5Hex of every record's bytes (part of BM_MapPage).
void BM_HashRecords(benchmark::State& state) {
    const Fixture& f = fixture();
    std::size_t bytes = 0;
    for (const auto& t : f.recordTexts) bytes += t.size();
    for (auto _ : state) {
        for (const auto& t : f.recordTexts) {
            std::string h = md5Hex(t);
            benchmark::DoNotOptimize(h);
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    countRecords(state, f.recordTexts.size());
}
BENCHMARK(BM_HashRecords)->Unit(benchmark::kMillisecond);

// IncrementalSync::commit copies each MappedRecord into the PageBatch.
void BM_CopyMappedRecords(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        std::vector<MappedRecord> batch;
        for (const auto& r : f.mapped) batch.push_back(r);
        benchmark::DoNotOptimize(batch);
    }
    countRecords(state, f.mapped.size());
}
BENCHMARK(BM_CopyMappedRecords)->Unit(benchmark::kMillisecond);

// CopyWriter's escaping into COPY text lines (parents and children), without
// sending them: the writer's own CPU before libpq.
void BM_FormatCopyLines(benchmark::State& state) {
    const Fixture& f = fixture();
    std::string line;
    for (auto _ : state) {
        for (const auto& r : f.mapped) {
            line.clear();
            for (std::size_t i = 0; i < r.values.size(); ++i) {
                if (i) line += '\t';
                appendCopyField(line, r.values[i]);
            }
            appendCopyField(line, r.hash);
            benchmark::DoNotOptimize(line);
            for (const auto& rows : r.children)
                for (const auto& row : rows) {
                    line.clear();
                    for (std::size_t i = 0; i < row.size(); ++i) {
                        if (i) line += '\t';
                        appendCopyField(line, row[i]);
                    }
                    benchmark::DoNotOptimize(line);
                }
        }
    }
    countRecords(state, f.mapped.size());
}
BENCHMARK(BM_FormatCopyLines)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    try {
        const Fixture& f = fixture();
        std::cerr << "micro_bench: page of " << f.items().size() << " records, " << f.text.size()
                  << " bytes\n";
    } catch (const std::exception& e) {
        std::cerr << "micro_bench: " << e.what() << "\n";
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
