// relu.simd: AVX-512 / AVX2 intrinsics chosen at run time, scalar fallback.
#include <algorithm>

#include "kernels/relu_prepared.hpp"
#include "kernels/relu_vec.hpp"
#include "platform/cancel.hpp"

namespace cachescope {

namespace {
class ReluSimdPrepared final : public ReluPrepared {
 public:
  ReluSimdPrepared(const Problem& p, const Params& q)
      : ReluPrepared(p, q), fn_(selectReluF32()), stream_(useStreamingStores(reluWork(q, sizeof(float)))) {}
  void run() override {
    // In pieces of 4 MiB with the cancel flag read between them (a
    // millisecond each): a stop never waits for a whole large array.
    constexpr std::size_t kPiece = std::size_t(1) << 20;
    for (std::size_t begin = 0; begin < count_; begin += kPiece) {
      throwIfCancelled();
      fn_(problem_.a.data() + begin, y_.data() + begin, std::min(kPiece, count_ - begin), stream_);
    }
  }
  std::string simdPath() const override { return reluF32PathName(fn_); }

 private:
  ReluF32Fn fn_;
  bool stream_;
};
}  // namespace

Kernel makeReluSimd() {
  Kernel k;
  k.info.id = "relu.simd";
  k.info.family = Family::Relu;
  k.info.title = "ReLU, SIMD intrinsics";
  k.info.teaches =
      "One vmaxps handles 16 floats, but when the data comes from DRAM the loop waits on memory either "
      "way: vectorizing a memory-bound kernel helps only while the data sits in cache. Once x and y "
      "outgrow half of the last-level cache, y is written with streaming (non-temporal) stores, which "
      "skip the read-for-ownership of every line of y: fewer bytes on the memory bus.";
  k.info.traceNote = "intrinsics (16 or 8 floats per instruction): not written over an access policy";
  k.info.unit = WorkUnit::Byte;
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReluSimdPrepared>(p, q); };
  k.work = [](const Params& p) { return reluWork(p, sizeof(float)); };
  k.footprint = fp32ReluFootprint;
  k.extraBytes = [](const Params& p) { return double(p.n) * p.n * sizeof(float); };
  return k;
}

}  // namespace cachescope
