#pragma once

#include <cstddef>
#include <cstdint>

namespace intouch::sim {

// Own generator and distributions instead of <random>: the standard distributions are
// implementation-defined, and a seed must reproduce the same data set everywhere.
class Rng {
  public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }

    void reseed(uint64_t seed);
    uint64_t next();
    // Uniform in [0, n); n must be > 0.
    uint64_t below(uint64_t n);
    // Uniform in [lo, hi], inclusive.
    int64_t between(int64_t lo, int64_t hi);
    // Uniform in [0, 1).
    double unit();
    bool chance(double p) { return unit() < p; }

    template <class Container>
    const auto& pick(const Container& c) {
        return c[static_cast<std::size_t>(below(c.size()))];
    }

    // Independent sub-seed, so each stream's data does not shift when another stream's
    // record count changes.
    static uint64_t derive(uint64_t seed, uint64_t stream);

  private:
    uint64_t s_[4];
};

}  // namespace intouch::sim
