// The counting sink of a traced kernel: references are buffered and handed
// to the simulator a batch at a time (Hierarchy::countBatch). The loop nest
// then only stores addresses between its real loads, and the simulator runs
// a tight loop over a batch with its geometry in registers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cachesim/hierarchy.hpp"
#include "kernels/access.hpp"

namespace cachescope::trace {

// `poll(done)` runs after every batch (progress, cancellation: it may throw).
template <class H, class Poll>
class BatchSink {
 public:
  static constexpr std::size_t kBatch = 1024;

  BatchSink(H& h, Poll poll) : h_(h), poll_(poll) {}

  [[gnu::always_inline]] void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    add(address, size, kind == AccessKind::Write ? sim::Op::Write : sim::Op::Read);
  }
  [[gnu::always_inline]] void add(std::uint64_t address, std::uint32_t size, sim::Op op) {
    buf_[n_] = {address, size, op};
    writes_ += op == sim::Op::Write;
    if (++n_ == kBatch) [[unlikely]]
      flush();
  }

  // Simulates what is buffered. Call once more after the loop nest.
  [[gnu::noinline]] void flush() {
    const std::size_t n = n_;
    n_ = 0;
    h_.countBatch(buf_, n);
    done_ += n;
    poll_(done_);
  }

  // References taken so far (simulated or buffered), and of them stores.
  std::uint64_t references() const { return done_ + n_; }
  std::uint64_t writes() const { return writes_; }

 private:
  H& h_;
  Poll poll_;
  std::size_t n_ = 0;
  std::uint64_t done_ = 0, writes_ = 0;
  sim::Reference buf_[kBatch];
};

}  // namespace cachescope::trace
