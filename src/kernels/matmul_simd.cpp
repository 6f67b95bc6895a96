// matmul.simd: explicit vector intrinsics. The loop is the cache-blocked ikj
// of matmul.blocked turned inside out for registers: a tile of C (4 rows x
// one strip of columns) is loaded into vector registers once per k block,
// every B row segment loaded is used by all 4 rows (broadcast A[i][k] times
// the B vector, fused multiply-add), and C goes back to memory only at the
// end of the block. The path (AVX-512, AVX2+FMA, portable) is chosen in
// prepare from activeSimd(), so the binary runs on any x86-64.
#include <algorithm>
#include <cstring>

#include "kernels/kernel.hpp"
#include "kernels/matmul_simd.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"

namespace cachescope {

namespace {

// The portable path: the same strips, k blocks and 4-row tiles in plain C++
// (the compiler may still use SSE2, the x86-64 baseline).
void matmulSimdScalar(int n, int width, const float* a, const float* b, float* c, int kBlock) {
  const std::ptrdiff_t nn = n;
  for (int j0 = 0; j0 < width; j0 += kSimdStripScalar) {
    const int j1 = std::min(width, j0 + kSimdStripScalar);
    for (int k0 = 0; k0 < n; k0 += kBlock) {
      const int k1 = std::min(n, k0 + kBlock);
      for (int i = 0; i < n; ++i) {
        float* crow = c + i * nn;
        for (int k = k0; k < k1; ++k) {
          const float aik = a[i * nn + k];
          const float* brow = b + k * nn;
          for (int j = j0; j < j1; ++j) crow[j] += aik * brow[j];
        }
      }
    }
  }
}

using SimdPath = void (*)(int, int, const float*, const float*, float*, int);

struct PathChoice {
  SimdPath fn;
  int strip;
};

PathChoice choosePath(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return {matmulSimdAvx512, kSimdStripAvx512};
    case SimdLevel::Avx2: return {matmulSimdAvx2, kSimdStripAvx2};
    case SimdLevel::Scalar: break;
  }
  return {matmulSimdScalar, kSimdStripScalar};
}

// k block: the B strip (kBlock rows x strip floats) takes half of L1, so it
// is still there when the next 4-row tile of C wants it.
int kBlockFor(int strip) {
  const CacheInfo* l1 = host().cache(1);
  std::size_t bytes = l1 ? l1->sizeBytes : 32 * 1024;
  int kb = int(bytes / 2 / (std::size_t(strip) * sizeof(float)));
  return std::clamp(kb / 8 * 8, 8, 1024);
}

class SimdPrepared final : public MatmulPrepared {
 public:
  SimdPrepared(const Problem& p, const Params& q) : MatmulPrepared(p, q) {
    level_ = activeSimd();
    PathChoice choice = choosePath(level_);
    path_ = choice.fn;
    strip_ = choice.strip;
    kBlock_ = kBlockFor(choice.strip);
  }
  void run() override {
    // The paths accumulate into C (k is split into blocks), so start at zero.
    std::memset(c_.data(), 0, c_.size() * sizeof(float));
    // One strip of columns per call, the cancel flag read between them: a
    // strip is 2 n^2 x strip flops (about 10 ms at n = 2048).
    for (int j0 = 0; j0 < n_; j0 += strip_) {
      throwIfCancelled();
      path_(n_, std::min(strip_, n_ - j0), problem_.a.data(), problem_.b.data() + j0, c_.data() + j0, kBlock_);
    }
  }
  std::string simdPath() const override { return toString(level_); }

 private:
  SimdLevel level_ = SimdLevel::Scalar;
  SimdPath path_ = nullptr;
  int strip_ = kSimdStripScalar;
  int kBlock_ = 64;
};

}  // namespace

Kernel makeMatmulSimd() {
  Kernel k;
  k.info.id = "matmul.simd";
  k.info.family = Family::Matmul;
  k.info.title = "SIMD intrinsics (register tiles)";
  k.info.teaches =
      "One instruction multiplies-and-adds 16 floats (AVX-512) or 8 (AVX2). Keeping a 4-row tile of C "
      "in vector registers means each B vector loaded feeds 4 FMAs and C is stored once per k block, "
      "not once per multiply: the loop becomes limited by arithmetic instead of loads and stores.";
  k.info.traceNote =
      "written with vector intrinsics chosen at run time (AVX-512, AVX2 or portable): its loads are "
      "whole vectors and masked lanes, not a loop nest over an access policy, so it emits no trace";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<SimdPrepared>(p, q); };
  k.work = matmulWork;
  k.footprint = fp32MatmulFootprint;
  k.extraBytes = matmulExtraBytes;
  return k;
}

}  // namespace cachescope
