// The counting end of a trace: the references a loop nest or a trace file
// hands to TraceSink (kernels/trace_sink.hpp) go to the simulator a batch at
// a time (Hierarchy::countBatch), which runs a tight loop over a batch with
// its geometry in registers. A reference that cannot be batched (unaligned,
// or larger than 8 bytes: trace files only) is counted on its own after the
// batch before it, so the order is kept.
#pragma once

#include "cachesim/hierarchy.hpp"
#include "kernels/trace_sink.hpp"

namespace cachescope::trace {

inline sim::Op opOf(AccessKind kind) { return kind == AccessKind::Write ? sim::Op::Write : sim::Op::Read; }

// `poll(done)` runs after every batch (progress, cancellation: it may throw).
template <class H, class Poll>
class CountingSink : public TraceSink {
 public:
  CountingSink(H& h, Poll poll, bool wantOuter = false) : TraceSink(false, wantOuter), h_(h), poll_(poll) {}

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t first) override {
    h_.countBatch(address, flags, n);
    poll_(first + n);
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    h_.count(address, size, opOf(kind));
  }
  H& h_;
  Poll poll_;
};

}  // namespace cachescope::trace
