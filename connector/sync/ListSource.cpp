#include "sync/ListSource.hpp"

#include "sync/PageChecks.hpp"

namespace intouch {

bool ListPage::reachesEnd(std::int64_t position) const {
    return !envelope ||
           PageChecks::reachesEnd(position, static_cast<std::int64_t>(items.size()), total);
}

std::optional<ListItem> ListSource::probe(std::int64_t position, const std::string& orderBy,
                                          std::int64_t& total) {
    ListPage page = read(position, 1, orderBy);
    total = page.total.value_or(-1);
    if (page.items.empty()) return std::nullopt;
    return std::move(page.items.front());
}

}  // namespace intouch
