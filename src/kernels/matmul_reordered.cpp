// matmul.reordered: the same arithmetic in ikj order. The inner loop now runs
// along rows of B and C (unit stride), so every loaded line is used fully and
// the compiler can vectorise it.
#include "kernels/kernel.hpp"
#include "kernels/matmul_loops.hpp"

namespace cachescope {

namespace {
class ReorderedPrepared final : public MatmulPrepared {
 public:
  using MatmulPrepared::MatmulPrepared;
  void run() override {
    Direct acc;
    matmulReorderedLoop<Direct, float, float>(acc, n_, problem_.a.data(), n_, problem_.b.data(), n_, c_.data(), n_);
  }
};
}  // namespace

Kernel makeMatmulReordered() {
  Kernel k;
  k.info.id = "matmul.reordered";
  k.info.family = Family::Matmul;
  k.info.title = "Loop reordering (ikj)";
  k.info.teaches =
      "Swapping the j and k loops makes the inner loop walk rows of B and C with unit stride: each "
      "cache line brought in is used for 16 floats, and the loop vectorises.";
  k.info.traceable = true;
  k.info.traceNote =
      "per (i,j): store C[i][j]=0; per (i,k): load A[i][k]; per (i,k,j): load B[k][j], load C[i][j], "
      "store C[i][j]";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReorderedPrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = matmulExtraBytes;
  return k;
}

}  // namespace cachescope
