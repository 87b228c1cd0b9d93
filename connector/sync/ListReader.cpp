#include "sync/ListReader.hpp"

#include "common/Errors.hpp"
#include "common/StopSignal.hpp"

namespace intouch {

ListPage ListReader::read(std::int64_t position, int size, const std::string& orderBy) {
    if (stopRequested()) throw InterruptedError("stopped while syncing " + spec_.name);
    PageRequest request;
    request.endpoint = spec_.endpoint;
    request.position = position;
    request.size = size;
    request.orderBy = orderBy;
    request.params = spec_.params;
    Page page = fetcher_.page(request);
    ListPage out;
    out.items = mapItems(page.items, mapper_, writer_, page.text);
    out.total = page.total;
    out.serverDate = page.serverDateMicros;
    return out;
}

std::optional<ListItem> ListReader::probe(std::int64_t position, const std::string& orderBy,
                                          std::int64_t& total) {
    ListPage page = read(position, 1, orderBy);
    total = page.total.value_or(-1);
    if (page.items.empty()) return std::nullopt;
    return std::move(page.items.front());
}

}  // namespace intouch
