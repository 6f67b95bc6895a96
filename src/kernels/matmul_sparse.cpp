// matmul.sparse: A pruned by magnitude to `density`, stored as CSR, times a
// dense B. prepare() prunes and builds the CSR (untimed); run() multiplies.
#include <stdexcept>

#include "kernels/csr.hpp"
#include "kernels/kernel.hpp"
#include "kernels/sparse_rows.hpp"

namespace cachescope {

namespace {
class SparsePrepared final : public MatmulPrepared {
 public:
  SparsePrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q),
        csr_(pruneToCsr(p.a.data(), p.n, p.n, std::size_t(p.n), q.density)),
        rows_(selectSparseRows()),
        strip_(std::size_t(kSparseStripFloats) * p.n) {}

  void run() override {
    rows_(csr_, problem_.b.data(), std::size_t(n_), c_.data(), std::size_t(n_), n_, 0, n_, strip_.data());
  }

  // The reference on the pruned A: what this kernel computes exactly. The
  // runner reports the error against the dense product separately.
  std::vector<float> expected() const override {
    std::vector<float> pruned = csr_.toDense();
    return referenceMatmul(n_, pruned.data(), problem_.b.data());
  }
  double tolerance() const override {
    std::vector<float> pruned = csr_.toDense();
    return fp32MatmulTolerance(n_, pruned.data(), problem_.b.data());
  }

 private:
  Csr csr_;
  SparseRowsFn rows_;
  AlignedBuffer<float> strip_;  // one strip of B, copied contiguous
};
}  // namespace

Kernel makeMatmulSparse() {
  Kernel k;
  k.info.id = "matmul.sparse";
  k.info.family = Family::Matmul;
  k.info.title = "Sparse A (CSR) x dense B";
  k.info.teaches =
      "Prune A by magnitude (one global threshold) to keep a `density` share of its entries, store it as "
      "CSR (row pointers, column indices, values) and add a_ik * (row k of B) into row i of C for each "
      "stored a_ik: work falls with density, but every nonzero costs an indirect row fetch (the SIMD "
      "versions go strip by strip of B, copied so it stays in L2). GFLOP/s "
      "counts the dense-equivalent 2n^3 so it compares directly with the dense kernels (useful flops are "
      "2 nnz n); the error column is against the dense fp32 product, i.e. the cost of pruning.";
  k.info.uses = {Param::Density};
  k.info.traceable = false;
  k.info.traceNote = "SIMD row updates over CSR indices: not written over an access policy, so no trace";
  k.info.unit = WorkUnit::Flop;
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (!(q.density > 0.0 && q.density <= 1.0)) throw std::invalid_argument("density must be in (0, 1]");
    return std::make_unique<SparsePrepared>(p, q);
  };
  k.work = matmulWork;
  k.extraBytes = [](const Params& p) {
    // C, plus CSR (value + column index per kept entry) and the pruning's
    // index and mask arrays.
    const double nn = double(p.n) * p.n;
    return matmulExtraBytes(p) + 8.0 * nn * p.density + 4.0 * nn + nn / 8 + 4.0 * (p.n + 1.0) +
           4.0 * kSparseStripFloats * p.n;
  };
  return k;
}

}  // namespace cachescope
