#include "Stats.h"

#include "JsonWriter.h"

namespace intouch::sim {

void Stats::begin(int64_t arrivalEpochMs) {
    std::lock_guard lock(mu_);
    ++requests_;
    ++inFlight_;
    if (inFlight_ > maxInFlight_) maxInFlight_ = inFlight_;
    times_.push_back(arrivalEpochMs);
    if (times_.size() > kMaxTimes) times_.pop_front();
}

void Stats::finish(int status) {
    std::lock_guard lock(mu_);
    --inFlight_;
    ++byStatus_[status];
}

void Stats::fault(std::string_view name) {
    std::lock_guard lock(mu_);
    auto it = faults_.find(name);
    if (it == faults_.end())
        faults_.emplace(std::string(name), 1);
    else
        ++it->second;
}

void Stats::mutations(int64_t edited, int64_t inserted, int64_t deleted) {
    std::lock_guard lock(mu_);
    edited_ += edited;
    inserted_ += inserted;
    deleted_ += deleted;
}

void Stats::reset() {
    std::lock_guard lock(mu_);
    requests_ = 0;
    // Requests still running stay counted as in flight, so the peak stays truthful.
    maxInFlight_ = inFlight_;
    byStatus_.clear();
    faults_.clear();
    times_.clear();
    edited_ = inserted_ = deleted_ = 0;
}

std::string Stats::json() const {
    std::lock_guard lock(mu_);
    JsonBuilder j;
    j.beginObject();
    j.key("requests").num(requests_);
    j.key("by_status").beginObject();
    for (const auto& [status, n] : byStatus_) j.key(std::to_string(status)).num(n);
    j.endObject();
    j.key("faults").beginObject();
    for (const auto& [name, n] : faults_) j.key(name).num(n);
    j.endObject();
    j.key("request_times_ms").beginArray();
    for (int64_t t : times_) j.num(t);
    j.endArray();
    j.key("max_in_flight").num(maxInFlight_);
    j.key("in_flight").num(inFlight_);
    j.key("mutations").beginObject().key("edited").num(edited_).key("inserted").num(inserted_);
    j.key("deleted").num(deleted_).endObject();
    j.endObject();
    return j.take();
}

}  // namespace intouch::sim
