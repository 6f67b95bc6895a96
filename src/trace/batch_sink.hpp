// The counting sink of a traced kernel or a trace file: references are
// buffered and handed to the simulator a batch at a time
// (Hierarchy::countBatch). The loop nest then only stores an address and a
// flags byte between its real loads, and the simulator runs a tight loop
// over a batch with its geometry in registers. A reference that is not
// batchable (unaligned, or larger than 8 bytes: trace files only) flushes
// the batch and is counted on its own, so the order is kept.
#pragma once

#include <cassert>
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

  // From a loop nest (Traced): the address of a float, int8 or int32
  // element, so aligned to its size by the language; only the size is
  // checked (a compile-time constant here). A per-reference alignment test
  // would be a second rare call path in the nest, and with it GCC keeps the
  // nest's accumulator in memory: 2x slower.
  [[gnu::always_inline]] void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    assert(!sim::batchable(0, size) || sim::batchable(address, size));
    const sim::Op op = kind == AccessKind::Write ? sim::Op::Write : sim::Op::Read;
    if (!sim::batchable(0, size)) [[unlikely]] {
      single(address, size, op);
      return;
    }
    push(address, size, op);
  }
  // From a trace file: anything.
  void add(std::uint64_t address, std::uint32_t size, sim::Op op) {
    if (!sim::batchable(address, size)) [[unlikely]] {
      single(address, size, op);
      return;
    }
    push(address, size, op);
  }

  // Simulates what is buffered. Call once more after the loop nest.
  [[gnu::noinline]] void flush() {
    const std::size_t n = n_;
    n_ = 0;
    h_.countBatch(address_, flags_, n);
    done_ += n;
    poll_(done_);
  }

  // References taken so far (simulated or buffered), and of them stores.
  std::uint64_t references() const { return done_ + n_; }
  std::uint64_t writes() const { return writes_; }

 private:
  [[gnu::always_inline]] void push(std::uint64_t address, std::uint32_t size, sim::Op op) {
    writes_ += op == sim::Op::Write;
    address_[n_] = address;
    flags_[n_] = sim::batchFlags(size, op);
    if (++n_ == kBatch) [[unlikely]]
      flush();
  }

  // A reference that cannot be batched: after the batch, on its own.
  [[gnu::noinline]] void single(std::uint64_t address, std::uint32_t size, sim::Op op) {
    flush();
    writes_ += op == sim::Op::Write;
    h_.count(address, size, op);
    ++done_;
  }

  H& h_;
  Poll poll_;
  std::size_t n_ = 0;
  std::uint64_t done_ = 0, writes_ = 0;
  std::uint64_t address_[kBatch];
  sim::RefFlags flags_[kBatch];
};

}  // namespace cachescope::trace
