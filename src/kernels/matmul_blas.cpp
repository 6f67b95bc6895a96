// matmul.blas: OpenBLAS cblas_sgemm, the reference library. Its thread count
// is set from `threads` before every call (OpenBLAS keeps its own pool; it does
// not run inside our task_arena).
//
// OpenBLAS cannot be interrupted, so a large product is issued as row panels
// of C (and A) against all of B, the cancel flag read between calls: each
// panel is about 1.5 Gflop (tens of milliseconds), and at least 128 rows, so
// the library's own blocking (its packed B is reused by every row block of a
// panel) keeps its speed. Problems up to 512 are one call, as before.
#include <cblas.h>

#include <algorithm>
#include <cstdlib>

#include "kernels/blas_core.hpp"
#include "kernels/kernel.hpp"
#include "platform/cancel.hpp"

extern "C" void openblas_set_num_threads(int);

namespace cachescope {

namespace {

int blasPanelRows(int n) {
  constexpr double kPanelFlop = 1.5e9;
  const double rows = kPanelFlop / (2.0 * double(n) * double(n));
  if (rows >= n) return std::max(n, 1);
  const int rounded = (int(rows) + 63) / 64 * 64;
  return std::clamp(rounded, 128, std::max(n, 1));
}

class BlasPrepared final : public MatmulPrepared {
 public:
  BlasPrepared(const Problem& p, const Params& q) : MatmulPrepared(p, q), panelRows_(blasPanelRows(p.n)) {}
  void run() override {
    openblas_set_num_threads(params_.threads);
    const float* a = problem_.a.data();
    float* c = c_.data();
    for (int i0 = 0; i0 < n_; i0 += panelRows_) {
      throwIfCancelled();
      const int rows = std::min(panelRows_, n_ - i0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n_, n_, 1.0f, a + std::size_t(i0) * n_, n_,
                  problem_.b.data(), n_, 0.0f, c + std::size_t(i0) * n_, n_);
    }
  }
  // OpenBLAS picks its own kernels for the CPU it finds (DYNAMIC_ARCH), or
  // those cachescope asked for where it found narrower ones (blas_core.hpp),
  // or those OPENBLAS_CORETYPE names: said when narrower than the CPU runs
  // (a shell that exports OPENBLAS_CORETYPE=Haswell halves the reference on
  // an AVX-512 CPU: 86 against 155 GFLOP/s at n = 1024 on a Zen 5 EPYC).
  std::string simdPath() const override {
    const char* core = openblas_get_corename();
    std::string path = std::string("openblas ") + core;
    const std::string detected = blasCoreDetected();
    if (!detected.empty())
      path += " (asked for: OpenBLAS found " + detected + ")";
    else if (std::getenv("OPENBLAS_CORETYPE") && blasCoreSimd(core) < host().simd)
      path += std::string(" (OPENBLAS_CORETYPE set: narrower than this CPU's ") + toString(host().simd) + ")";
    return path;
  }

 private:
  int panelRows_;
};
}  // namespace

Kernel makeMatmulBlas() {
  Kernel k;
  k.info.id = "matmul.blas";
  k.info.family = Family::Matmul;
  k.info.title = "OpenBLAS sgemm";
  k.info.teaches =
      "A production BLAS: packing, a hand-written assembly micro-kernel and its own threads. The "
      "bar every other kernel is measured against.";
  k.info.uses = {Param::Threads};
  k.info.traceNote = "library code in assembly: its accesses cannot be traced";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<BlasPrepared>(p, q); };
  k.work = matmulWork;
  k.footprint = fp32MatmulFootprint;
  k.extraBytes = matmulExtraBytes;
  return k;
}

}  // namespace cachescope
