// matmul.bf16: A and B rounded to bfloat16, products summed in fp32. On a
// CPU with AMX-BF16 or AVX512-BF16 the bf16 engine (bf16_gemm.hpp) runs;
// elsewhere the fp32 parallel kernel runs on the rounded values, which gives
// the same result up to the order of the fp32 sums (a product of two bf16 is
// exact in fp32) but none of the speed: the path says which.
#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "kernels/bf16_gemm.hpp"
#include "kernels/kernel.hpp"
#include "kernels/registry.hpp"

namespace cachescope {

namespace {

// |C - fp32 product| for inputs rounded to bf16 (unit roundoff u = 2^-8) and
// summed in fp32 (2^-24 per add): with S_ij = sum_k |a_ik||b_kj| and
//   |ab - fl16(a) fl16(b)| <= (2u + u^2) |a||b|,
//   |fp32 sum - exact sum| <= (k + 2) 2^-24 (1 + u)^2 S_ij (the reference's rounding included),
// bounded in O(n^2) by S_ij <= min(rowAbs_i colMax_j, rowMax_i colAbs_j).
double bf16MatmulTolerance(int n, const float* a, const float* b) {
  const std::size_t nn = std::size_t(n);
  std::vector<double> rowAbs(nn, 0.0), rowMax(nn, 0.0), colAbs(nn, 0.0), colMax(nn, 0.0);
  for (std::size_t i = 0; i < nn; ++i)
    for (std::size_t k = 0; k < nn; ++k) {
      const double v = std::fabs(a[i * nn + k]);
      rowAbs[i] += v;
      rowMax[i] = std::max(rowMax[i], v);
    }
  for (std::size_t k = 0; k < nn; ++k)
    for (std::size_t j = 0; j < nn; ++j) {
      const double v = std::fabs(b[k * nn + j]);
      colAbs[j] += v;
      colMax[j] = std::max(colMax[j], v);
    }
  const double u = std::ldexp(1.0, -8);
  const double factor = 2.0 * u + u * u + (double(n) + 2.0) * std::ldexp(1.0, -24) * (1.0 + u) * (1.0 + u);
  double worst = 0.0;
  for (std::size_t i = 0; i < nn; ++i)
    for (std::size_t j = 0; j < nn; ++j)
      worst = std::max(worst, std::min(rowAbs[i] * colMax[j], rowMax[i] * colAbs[j]));
  return factor * worst + 1e-6;
}

class Bf16Prepared final : public MatmulPrepared {
 public:
  Bf16Prepared(const Problem& p, const Params& q) : MatmulPrepared(p, q) {
    if (q.threads < 1) throw std::invalid_argument("matmul.bf16 needs threads >= 1, not " + std::to_string(q.threads));
    tolerance_ = bf16MatmulTolerance(n_, p.a.data(), p.b.data());
    if (bf16Engine() != Bf16Engine::None) {
      gemm_.emplace(n_, n_, n_, p.a.data(), p.b.data(), q.threads);
      return;
    }
    rounded_.family = p.family;
    rounded_.n = p.n;
    rounded_.a = AlignedBuffer<float>(p.a.size());
    rounded_.b = AlignedBuffer<float>(p.b.size());
    std::transform(p.a.begin(), p.a.end(), rounded_.a.begin(), roundToBf16);
    std::transform(p.b.begin(), p.b.end(), rounded_.b.begin(), roundToBf16);
    emulated_ = findKernel("matmul.parallel")->prepare(rounded_, q);
  }

  void run() override {
    if (gemm_)
      gemm_->run(c_.data(), std::size_t(n_));
    else
      emulated_->run();
  }
  std::vector<float> output() const override { return gemm_ ? MatmulPrepared::output() : emulated_->output(); }
  double tolerance() const override { return tolerance_; }
  std::string simdPath() const override {
    return gemm_ ? std::string(bf16EngineName(gemm_->engine())) : "fp32 emulation (" + emulated_->simdPath() + ")";
  }

 private:
  double tolerance_ = 0.0;
  std::optional<Bf16Gemm> gemm_;
  Problem rounded_;                      // emulation: A and B rounded to bf16, as fp32
  std::unique_ptr<Prepared> emulated_;   // matmul.parallel on rounded_
};

}  // namespace

Kernel makeMatmulBf16() {
  Kernel k;
  k.info.id = "matmul.bf16";
  k.info.family = Family::Matmul;
  k.info.title = "bf16 (AMX tiles or AVX512-BF16; fp32 emulation elsewhere)";
  k.info.teaches =
      "bfloat16 keeps fp32's 8-bit exponent and cuts the mantissa to 7 bits: half the bytes of fp32, the same "
      "range, about 3 significant digits. prepare() rounds A and B to bf16 and packs B; the timed run packs A "
      "and multiplies with products summed in fp32. On a CPU with AMX-BF16 one tdpbf16ps does 8192 "
      "multiply-adds (16 x 16 fp32 sums over 32 k); with AVX512-BF16 one vdpbf16ps does 32 (16 fp32 sums over a "
      "pair of k), twice an fp32 FMA; elsewhere the fp32 parallel kernel runs on the rounded values: the same "
      "error, fp32's speed. With threads > 1, bands of C rows are shared out to that many "
      "cores.";
  k.info.uses = {Param::Bits, Param::Threads};
  k.info.bits = {16};
  k.info.traceNote = "AMX tile or AVX512-BF16 micro-kernel (or the fp32 parallel kernel): its accesses are not traced";
  k.info.unit = WorkUnit::Flop;
  k.info.quantized = true;
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (q.bits != 16) throw std::invalid_argument("matmul.bf16 takes bits 16 only, not " + std::to_string(q.bits));
    return std::make_unique<Bf16Prepared>(p, q);
  };
  k.work = matmulWork;
  // A and B at 2 bytes a value, no scales.
  k.footprint = [](const Params& p, std::optional<std::size_t>) { return 4.0 * double(p.n) * p.n; };
  k.extraBytes = [](const Params& p) {
    // The larger of the two paths: the tile engine's bf16 copies, or the
    // rounded fp32 problem plus the parallel kernel's buffers.
    const Kernel* parallel = findKernel("matmul.parallel");
    const double emulation = problemBytes(Family::Matmul, p.n) + (parallel ? parallel->extraBytes(p) : 0.0);
    return matmulExtraBytes(p) + std::max(Bf16Gemm::extraBytes(p.n, p.threads), emulation);
  };
  return k;
}

}  // namespace cachescope
