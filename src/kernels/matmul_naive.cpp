// matmul.naive: the textbook ijk triple loop with the dot product accumulated
// in a register. Its inner loop walks B down a column: one new cache line per
// step, a stride of n floats. The baseline of the ladder.
#include "kernels/kernel.hpp"
#include "kernels/matmul_loops.hpp"

namespace cachescope {

namespace {
class NaivePrepared final : public MatmulPrepared {
 public:
  using MatmulPrepared::MatmulPrepared;
  void run() override {
    Direct acc;
    matmulNaiveLoop<Direct, float, float>(acc, n_, problem_.a.data(), n_, problem_.b.data(), n_, c_.data(), n_);
  }
};
}  // namespace

Kernel makeMatmulNaive() {
  Kernel k;
  k.info.id = "matmul.naive";
  k.info.family = Family::Matmul;
  k.info.title = "Naive ijk";
  k.info.teaches =
      "The textbook triple loop. The inner loop reads B down a column: every step touches a new "
      "cache line, so for large n almost every load of B misses.";
  k.info.traceable = true;
  k.info.traceNote = "per (i,j,k): load A[i][k], load B[k][j]; per (i,j): store C[i][j]";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<NaivePrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = matmulExtraBytes;
  return k;
}

}  // namespace cachescope
