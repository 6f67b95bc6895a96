// matmul.sparse: A pruned by magnitude to `density`, stored as CSR, times a
// dense B. prepare() prunes and builds the CSR (untimed); run() multiplies.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kernels/csr.hpp"
#include "kernels/kernel.hpp"
#include "kernels/matmul_trace.hpp"
#include "kernels/sparse_rows.hpp"
#include "kernels/share_out.hpp"
#include "platform/host.hpp"

namespace cachescope {

namespace {
class SparsePrepared final : public MatmulPrepared {
 public:
  SparsePrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q),
        csr_(pruneToCsr(p.a.data(), p.n, p.n, std::size_t(p.n), q.density)),
        rows_(selectSparseRows()),
        threads_(checkedThreads(q.threads)),
        arena_(threads_) {
    if (rows_ != sparseRowsScalar)
      for (int t = 0; t < threads_; ++t) strips_.emplace_back(std::size_t(kSparseStripFloats) * p.n);
    rowBands_ = shrinkingBands(n_, 1, n_, threads_);
  }

  void run() override {
    inArenaOf(threads_, arena_, [this] {
      const float* b = problem_.b.data();
      float* c = c_.data();
      const std::size_t ld = std::size_t(n_);
      if (rows_ == sparseRowsScalar) {
        // The portable path is the traced row loop, which reads the cancel
        // flag itself, every few rows; threads take bands of rows.
        shareOut(threads_, int(rowBands_.size()), [&](int band, int) {
          const Band& r = rowBands_[std::size_t(band)];
          rows_(csr_, b, ld, c, ld, n_, r.begin, r.begin + r.size, nullptr);
        });
        return;
      }
      // The SIMD paths go strip by strip of B anyway: one strip of columns
      // per piece (the cancel flag read between pieces), each thread copying
      // its strips into its own buffer.
      const int strips = (n_ + kSparseStripFloats - 1) / kSparseStripFloats;
      shareOut(threads_, strips, [&](int strip, int slot) {
        const int j0 = strip * kSparseStripFloats;
        rows_(csr_, b + j0, ld, c + j0, ld, std::min(kSparseStripFloats, n_ - j0), 0, n_,
              strips_[std::size_t(slot)].data());
      });
    });
  }

  std::string simdPath() const override {
    return rows_ == sparseRowsAvx512 ? toString(SimdLevel::Avx512)
           : rows_ == sparseRowsAvx2 ? toString(SimdLevel::Avx2)
                                     : toString(SimdLevel::Scalar);
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
  std::optional<std::size_t> storedNonzeros() const override { return csr_.nnz(); }

 private:
  static int checkedThreads(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1");
    return threads;
  }

  Csr csr_;
  SparseRowsFn rows_;
  int threads_;
  tbb::task_arena arena_;                     // when run() is called outside an arena of `threads`
  std::vector<AlignedBuffer<float>> strips_;  // per thread slot: one strip of B, copied contiguous
  std::vector<Band> rowBands_;                // the portable path's pieces
};
// [SECTION] the traced loop nest: sparseRowsLoop, the portable row loop

const std::vector<std::string> kSparseCode = {
    "for (i = 0; i < n; i++) {",
    "  for (j = 0; j < n; j++) C[i][j] = 0;",
    "  for (p = rowPtr[i]; p < rowPtr[i+1]; p++) {",
    "    a = values[p]; k = colIdx[p];",
    "    for (j = 0; j < n; j++)",
    "      C[i][j] += a * B[k][j];        // row k of B, gathered",
};

// The CSR of the problem's own A (the bench's inputs, so the same rows keep
// the same nonzeros) pruned to the density, then B and C, in one arena.
class SparseTraceRun final : public TraceRun {
 public:
  explicit SparseTraceRun(const TraceShape& s) : n_(s.n), ld_(std::size_t(s.n) + std::size_t(std::max(0, s.ldPad))) {
    const Problem p = makeProblem(Family::Matmul, n_);
    const Csr csr = pruneToCsr(p.a.data(), n_, n_, std::size_t(n_), s.density);
    nnz_ = csr.nnz();
    const std::size_t count = std::size_t(n_) * ld_;
    const std::size_t ov = arena_.reserve(nnz_ * 4), ok = arena_.reserve(nnz_ * 4),
                      orp = arena_.reserve((std::size_t(n_) + 1) * 4), ob = arena_.reserve(count * 4),
                      oc = arena_.reserve(count * 4);
    arena_.allocate();
    values_ = arena_.at<float>(ov);
    colIdx_ = arena_.at<std::int32_t>(ok);
    rowPtr_ = arena_.at<std::int32_t>(orp);
    b_ = arena_.at<float>(ob);
    c_ = arena_.at<float>(oc);
    std::copy(csr.values.begin(), csr.values.end(), values_);
    std::copy(csr.colIdx.begin(), csr.colIdx.end(), colIdx_);
    std::copy(csr.rowPtr.begin(), csr.rowPtr.end(), rowPtr_);
    for (int i = 0; i < n_; ++i) std::memcpy(b_ + std::size_t(i) * ld_, p.b.data() + std::size_t(i) * n_, sizeof(float) * n_);
    // The CSR arrays are drawn in rows of n entries: their order in memory.
    const int csrRows = int(std::max<std::size_t>(1, (nnz_ + std::size_t(n_) - 1) / std::size_t(n_)));
    add("values", "values (CSR, n per row)", values_, csrRows, n_, std::size_t(n_));
    add("B", "B (rows gathered)", b_, n_, n_, ld_);
    add("C", "C = A x B", c_, n_, n_, ld_);
    add("colIdx", "colIdx (CSR)", colIdx_, csrRows, n_, std::size_t(n_));
    add("rowPtr", "rowPtr", rowPtr_, 1, n_ + 1, std::size_t(n_) + 1);
  }
  void run(TraceSink& sink) override {
    Traced<TraceSink> acc(sink);
    sparseRowsLoop(acc, rowPtr_, colIdx_, values_, b_, ld_, c_, ld_, n_, 0, n_);
  }

 private:
  void add(const char* name, const char* caption, const void* base, int rows, int cols, std::size_t ld) {
    buffers_.push_back(traceBuffer(name, caption, base, rows, cols, ld, 4));
  }
  int n_;
  std::size_t ld_, nnz_ = 0;
  TraceArena arena_;
  float* values_ = nullptr;
  std::int32_t* colIdx_ = nullptr;
  std::int32_t* rowPtr_ = nullptr;
  float *b_ = nullptr, *c_ = nullptr;
};

TraceDescription sparseTrace(const std::string& note) {
  TraceDescription d;
  d.note = note;
  d.caveat =
      "the portable row loop (sparseRowsScalar); with AVX2 or AVX-512 the timed kernel goes strip by strip of "
      "64 columns, copying each strip of B first, so it reads B and C in a different order";
  d.code = kSparseCode;
  d.bits = {32};
  d.usesDensity = true;
  d.elements = [](const TraceShape&) {
    return std::string("fp32 values, B, C (4 bytes each), int32 colIdx and rowPtr");
  };
  d.references = [](const TraceShape& s) {
    const std::uint64_t n = std::uint64_t(s.n);
    // The nonzeros are counted exactly: pruning keeps a fixed share, but
    // entries that are exactly zero are not stored.
    const Problem p = makeProblem(Family::Matmul, s.n);
    const std::uint64_t nnz = pruneToCsr(p.a.data(), s.n, s.n, std::size_t(s.n), s.density).nnz();
    return n * n + 2 * n + 2 * nnz + 3 * nnz * n;
  };
  d.outerCount = [](const TraceShape& s) { return s.n; };
  d.bytes = [](const TraceShape& s) {
    const double nn = double(s.n) * (s.n + std::max(0, s.ldPad));
    return 8.0 * nn + 8.0 * double(s.n) * s.n * s.density + 4.0 * (s.n + 1.0) + 16.0 * double(s.n) * s.n;
  };
  d.prepare = [](const TraceShape& s) -> std::unique_ptr<TraceRun> { return std::make_unique<SparseTraceRun>(s); };
  return d;
}

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
      "versions go strip by strip of B, copied so it stays in L2; with threads > 1 the strips are "
      "shared out to that many cores). GFLOP/s "
      "counts the useful flops 2 nnz n; the dense-equivalent rate 2n^3 / time is reported beside it, a "
      "time ratio against the dense kernels and no speed of the hardware. The error column is against the "
      "dense fp32 product, i.e. the cost of pruning.";
  k.info.uses = {Param::Density, Param::Threads};
  k.info.traceNote =
      "per row i: store C[i][*] = 0, load rowPtr[i], rowPtr[i+1]; per stored a_ik: load values[p], colIdx[p]; "
      "per j: load B[k][j], load C[i][j], store C[i][j]";
  k.info.unit = WorkUnit::Flop;
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (!(q.density > 0.0 && q.density <= 1.0)) throw std::invalid_argument("density must be in (0, 1]");
    return std::make_unique<SparsePrepared>(p, q);
  };
  // The nonzero work 2 nnz n (nnz as the pruning rule keeps it; the runner
  // counts the stored nonzeros), not the dense 2 n^3.
  k.work = [](const Params& p) { return 2.0 * double(prunedCount(std::size_t(p.n) * p.n, p.density)) * p.n; };
  k.footprint = [](const Params& p, std::optional<std::size_t> nonzeros) {
    return csrMatmulFootprint(p, nonzeros ? *nonzeros : prunedCount(std::size_t(p.n) * p.n, p.density));
  };
  k.extraBytes = [](const Params& p) {
    // C, plus CSR (value + column index per kept entry) and the pruning's
    // index and mask arrays.
    const double nn = double(p.n) * p.n;
    return matmulExtraBytes(p) + 8.0 * nn * p.density + 4.0 * nn + nn / 8 + 4.0 * (p.n + 1.0) +
           4.0 * kSparseStripFloats * p.n * std::max(1, p.threads);
  };
  k.trace = sparseTrace(k.info.traceNote);
  return k;
}

}  // namespace cachescope
