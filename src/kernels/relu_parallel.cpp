// relu.parallel: the SIMD ReLU over chunks, handed out one at a time to the
// threads of the caller's task arena (share_out.hpp): a thread that wakes
// late takes fewer chunks instead of leaving its fixed share to the others.
#include <tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/relu_prepared.hpp"
#include "kernels/relu_vec.hpp"
#include "kernels/share_out.hpp"

namespace cachescope {

namespace {
// 16 K floats = 64 KiB per chunk: large enough to hide the scheduling, small
// enough to balance two threads on small matrices.
constexpr std::size_t kChunk = 16 * 1024;

class ReluParallelPrepared final : public ReluPrepared {
 public:
  ReluParallelPrepared(const Problem& p, const Params& q)
      : ReluPrepared(p, q),
        threads_(checkedThreads(q.threads)),
        fn_(selectReluF32()),
        stream_(useStreamingStores(reluWork(q, sizeof(float)))),
        arena_(threads_) {}
  void run() override {
    // Inside the runner's arena of `threads`, or in our own of that size.
    inArenaOf(threads_, arena_, [this] { body(); });
  }
  std::string simdPath() const override { return reluF32PathName(fn_); }

 private:
  static int checkedThreads(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1");
    return threads;
  }
  void body() {
    const float* x = problem_.a.data();
    float* y = y_.data();
    const int chunks = int((count_ + kChunk - 1) / kChunk);
    shareOut(threads_, chunks, [&](int chunk, int) {
      const std::size_t begin = std::size_t(chunk) * kChunk, end = std::min(count_, begin + kChunk);
      fn_(x + begin, y + begin, end - begin, stream_);
    });
  }

  int threads_;
  ReluF32Fn fn_;
  bool stream_;  // as relu.simd
  tbb::task_arena arena_;
};
}  // namespace

Kernel makeReluParallel() {
  Kernel k;
  k.info.id = "relu.parallel";
  k.info.family = Family::Relu;
  k.info.title = "ReLU, SIMD + threads";
  k.info.teaches =
      "Split the array into 64 KiB chunks and let `threads` cores take them one at a time (oneTBB). A second core "
      "brings its own load/store units and L1/L2, so bandwidth from cache scales; from DRAM it scales "
      "only as far as the memory channels allow.";
  k.info.uses = {Param::Threads};
  k.info.traceNote = "threads and intrinsics: no single access order to trace";
  k.info.unit = WorkUnit::Byte;
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReluParallelPrepared>(p, q); };
  k.work = [](const Params& p) { return reluWork(p, sizeof(float)); };
  k.footprint = fp32ReluFootprint;
  k.extraBytes = [](const Params& p) { return double(p.n) * p.n * sizeof(float); };
  return k;
}

}  // namespace cachescope
