// matmul.blas: OpenBLAS cblas_sgemm, the reference library. Its thread count
// is set from `threads` before every call (OpenBLAS keeps its own pool; it does
// not run inside our task_arena).
#include <cblas.h>

#include "kernels/kernel.hpp"

extern "C" void openblas_set_num_threads(int);

namespace cachescope {

namespace {
class BlasPrepared final : public MatmulPrepared {
 public:
  using MatmulPrepared::MatmulPrepared;
  void run() override {
    openblas_set_num_threads(params_.threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n_, n_, n_, 1.0f, problem_.a.data(), n_,
                problem_.b.data(), n_, 0.0f, c_.data(), n_);
  }
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
