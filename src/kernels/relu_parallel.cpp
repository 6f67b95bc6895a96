// relu.parallel: the SIMD ReLU over chunks, spread by oneTBB across the
// threads of the caller's task_arena.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "kernels/relu_prepared.hpp"
#include "kernels/relu_vec.hpp"

namespace cachescope {

namespace {
// 16 K floats = 64 KiB per chunk: large enough to hide the scheduling, small
// enough to balance two threads on small matrices.
constexpr std::size_t kChunk = 16 * 1024;

class ReluParallelPrepared final : public ReluPrepared {
 public:
  ReluParallelPrepared(const Problem& p, const Params& q)
      : ReluPrepared(p, q), fn_(selectReluF32()), stream_(useStreamingStores(reluWork(q, sizeof(float)))) {}
  void run() override {
    const float* x = problem_.a.data();
    float* y = y_.data();
    const std::size_t chunks = (count_ + kChunk - 1) / kChunk;
    // Race-free by construction (TSan cannot see into Debian's libtbb): each
    // chunk writes only y[begin, end), disjoint from every other chunk's, and
    // x is only read; parallel_for returns after every chunk has finished,
    // which orders all writes before run() returns.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks), [&](const tbb::blocked_range<std::size_t>& r) {
      const std::size_t begin = r.begin() * kChunk, end = std::min(count_, r.end() * kChunk);
      fn_(x + begin, y + begin, end - begin, stream_);
    });
  }

 private:
  ReluF32Fn fn_;
  bool stream_;  // as relu.simd
};
}  // namespace

Kernel makeReluParallel() {
  Kernel k;
  k.info.id = "relu.parallel";
  k.info.family = Family::Relu;
  k.info.title = "ReLU, SIMD + threads";
  k.info.teaches =
      "Split the array into 64 KiB chunks and let oneTBB spread them over `threads` cores. A second core "
      "brings its own load/store units and L1/L2, so bandwidth from cache scales; from DRAM it scales "
      "only as far as the memory channels allow.";
  k.info.uses = {Param::Threads};
  k.info.traceNote = "threads and intrinsics: no single access order to trace";
  k.info.unit = WorkUnit::Byte;
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReluParallelPrepared>(p, q); };
  k.work = [](const Params& p) { return reluWork(p, sizeof(float)); };
  k.extraBytes = [](const Params& p) { return double(p.n) * p.n * sizeof(float); };
  return k;
}

}  // namespace cachescope
