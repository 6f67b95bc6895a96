// relu.int8: int8 in, int8 out. The input is quantized once (one scale for
// the whole tensor) in prepare; ReLU commutes with a positive scale, so the
// kernel works on the integers directly.
#include <cmath>

#include "kernels/quantize.hpp"
#include "kernels/relu_loops.hpp"
#include "kernels/relu_prepared.hpp"

namespace cachescope {

namespace {
class ReluInt8Prepared final : public ReluPrepared {
 public:
  ReluInt8Prepared(const Problem& p, const Params& q) : ReluPrepared(p, q), xq_(count_), yq_(count_) {
    scale_ = quantizeTensor(p.a.data(), count_, 8, xq_.data());
  }
  void run() override {
    Direct acc;
    reluLoop<Direct, std::int8_t>(acc, n_, n_, xq_.data(), std::size_t(n_), yq_.data(), std::size_t(n_));
  }
  std::vector<float> output() const override {
    std::vector<float> out(count_);
    dequantize(yq_.data(), count_, scale_, out.data());
    return out;
  }
  // |relu(s q) - relu(x)| <= |s q - x| <= s / 2 (ReLU is 1-Lipschitz), plus
  // the fp32 rounding of x / s and of s * q (max|x| = 127 s).
  double tolerance() const override { return scale_ * (0.5 + 8.0 * 127.0 * std::ldexp(1.0, -24)) + 1e-12; }

 private:
  AlignedBuffer<std::int8_t> xq_, yq_;
  float scale_ = 0.0f;
};
}  // namespace

Kernel makeReluInt8() {
  Kernel k;
  k.info.id = "relu.int8";
  k.info.family = Family::Relu;
  k.info.title = "ReLU on int8";
  k.info.teaches =
      "Quantize x to int8 with one scale (s = max|x| / 127, symmetric) and take max(q, 0) on the bytes: "
      "a quarter of the bytes of fp32 for the same elements, at an error of at most s / 2. prepare() "
      "quantizes (untimed); GB/s counts int8 bytes read plus written.";
  k.info.traceNote = "the same loop nest as relu.naive on int8: per element load x[i][j] (1 B), store y[i][j] (1 B)";
  k.info.unit = WorkUnit::Byte;
  k.info.quantized = true;
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReluInt8Prepared>(p, q); };
  k.work = [](const Params& p) { return reluWork(p, sizeof(std::int8_t)); };
  k.footprint = [](const Params& p, std::optional<std::size_t>) { return double(p.n) * p.n + sizeof(float); };  // + its scale
  k.extraBytes = [](const Params& p) { return double(p.n) * p.n * (2.0 + sizeof(float)); };
  k.trace = reluTrace<std::int8_t>(k.info.traceNote);
  return k;
}

}  // namespace cachescope
