// A dense fp32 matmul kernel that is nothing but its loop nest: the timed run
// is the nest under `Direct`, the trace the same nest under Traced<TraceSink>
// (matmul_trace.hpp). The Prepared class and the Kernel's plumbing are
// written once here; a kernel file gives its nest, its code text and its
// words:
//
//   return loopNestKernel(info, trace, [](auto& acc, auto sum, const auto& m) {
//     myLoop<decltype(sum)>(acc, m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld);
//   });
//
// Extra buffers the nest needs (MatmulTraceInfo::extras, such as a tile
// copy) are allocated in prepare(), outside the timed region.
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "kernels/kernel.hpp"
#include "kernels/matmul_trace.hpp"

namespace cachescope {

namespace detail {

template <class Nest>
class LoopNestPrepared final : public MatmulPrepared {
 public:
  LoopNestPrepared(const Problem& p, const Params& q, const MatmulTraceInfo& info, Nest nest)
      : MatmulPrepared(p, q), nest_(nest) {
    if (info.usesBlock && q.block < 1) throw std::invalid_argument("block must be >= 1");
    shape_.n = p.n;
    shape_.block = std::max(1, std::min(q.block, std::max(p.n, 1)));
    if (info.extras.size() > extras_.size()) throw std::logic_error("a loop-nest kernel has at most four extra buffers");
    for (std::size_t e = 0; e < info.extras.size(); ++e)
      extras_[e] = AlignedBuffer<float>(std::size_t(info.extras[e].rows(shape_)) * std::size_t(info.extras[e].cols(shape_)));
  }
  void run() override {
    Direct acc;
    MatmulTraceArgs<float, float> m{n_, shape_.block, problem_.a.data(), problem_.b.data(), c_.data(), std::size_t(n_), {}};
    for (std::size_t e = 0; e < extras_.size(); ++e) m.extra[e] = extras_[e].data();
    nest_(acc, float{}, m);
  }

 private:
  Nest nest_;
  TraceShape shape_;
  std::array<AlignedBuffer<float>, 4> extras_;
};

}  // namespace detail

// `info` names and explains the kernel (its traceNote is the trace's note);
// `trace` describes the nest's trace; `nest(acc, TSum{}, MatmulTraceArgs)`
// is the loop nest itself.
template <class Nest>
Kernel loopNestKernel(KernelInfo info, MatmulTraceInfo trace, Nest nest) {
  Kernel k;
  info.family = Family::Matmul;
  info.unit = WorkUnit::Flop;
  if (trace.usesBlock && std::find(info.uses.begin(), info.uses.end(), Param::Block) == info.uses.end())
    info.uses.push_back(Param::Block);
  if (trace.note.empty()) trace.note = info.traceNote;
  k.info = std::move(info);
  k.prepare = [trace, nest](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    return std::make_unique<detail::LoopNestPrepared<Nest>>(p, q, trace, nest);
  };
  k.work = matmulWork;
  k.footprint = fp32MatmulFootprint;
  k.extraBytes = [trace](const Params& q) {
    TraceShape s;
    s.n = q.n;
    s.block = std::max(1, std::min(q.block, std::max(q.n, 1)));
    double extra = 0;
    for (const MatmulTraceInfo::Extra& e : trace.extras) extra += double(e.rows(s)) * e.cols(s) * sizeof(float);
    return matmulExtraBytes(q) + extra;
  };
  k.trace = matmulTrace(trace, nest);
  return k;
}

}  // namespace cachescope
