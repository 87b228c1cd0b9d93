#include "sync/IncrementalSync.hpp"

#include "sync/AsyncPageWriter.hpp"

namespace intouch {

namespace {

// Committed pages are written while the next one is fetched.
class PipelineSink : public PageSink {
  public:
    explicit PipelineSink(StreamTarget& writer) : pipeline_(writer) {}
    void submit(PageBatch batch) override { pipeline_.submit(std::move(batch)); }
    Totals finish() override { return pipeline_.finish(); }

  private:
    AsyncPageWriter pipeline_;
};

}  // namespace

IncrementalSync::IncrementalSync(const StreamWiring& w)
    : reader_(w.fetcher, w.mapper, w.spec),
      writer_(w.writer),
      cursorField_(w.mapper.cursorSourceField()),
      options_(w.options) {}

StreamOutcome IncrementalSync::run(const Checkpoint& loaded) {
    PipelineSink sink(writer_);
    IncrementalReader reader(reader_, sink, cursorField_, options_);
    return reader.run(loaded);
}

}  // namespace intouch
