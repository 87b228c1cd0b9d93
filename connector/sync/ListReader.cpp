#include "sync/ListReader.hpp"

#include "common/Errors.hpp"
#include "common/StopSignal.hpp"

namespace intouch {

ListReader::ListReader(PageFetcher& fetcher, const RecordMapper& mapper, const StreamSpec& spec)
    : fetcher_(fetcher),
      mapper_(mapper),
      spec_(spec),
      checks_(spec.name, mapper.cursorSourceField()) {}

ListPage ListReader::read(std::int64_t position, int size, const std::string& orderBy) {
    PageRequest request;
    request.endpoint = spec_.endpoint;
    request.position = position;
    request.size = size;
    request.orderBy = orderBy;
    request.params = spec_.params;
    return read(std::move(request));
}

ListPage ListReader::read(PageRequest request) {
    if (stopRequested()) throw InterruptedError("stopped while syncing " + spec_.name);
    Page page = fetcher_.page(request);
    ListPage out;
    out.items = mapItems(page.items, mapper_, page.text);
    checks_.check(request, page, out.items);
    out.raw = std::move(page.items);
    out.total = page.total;
    out.serverDate = page.serverDateMicros;
    out.envelope = page.envelope;
    return out;
}

}  // namespace intouch
