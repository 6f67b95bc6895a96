// relu.naive: the plain loop, over the access policy (relu_loops.hpp).
#include "kernels/relu_loops.hpp"
#include "kernels/relu_prepared.hpp"

namespace cachescope {

namespace {
class ReluNaivePrepared final : public ReluPrepared {
 public:
  using ReluPrepared::ReluPrepared;
  void run() override {
    Direct acc;
    reluLoop<Direct, float>(acc, n_, n_, problem_.a.data(), std::size_t(n_), y_.data(), std::size_t(n_));
  }
};
}  // namespace

Kernel makeReluNaive() {
  Kernel k;
  k.info.id = "relu.naive";
  k.info.family = Family::Relu;
  k.info.title = "ReLU, plain loop";
  k.info.teaches =
      "y = max(x, 0): one comparison per 8 bytes moved, so the speed is the memory's, not the ALU's. "
      "GB/s counts bytes read plus bytes written; compare it with the cache and DRAM bandwidth.";
  k.info.traceNote = "per element (row by row): load x[i][j] (4 B), store y[i][j] (4 B)";
  k.info.unit = WorkUnit::Byte;
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ReluNaivePrepared>(p, q); };
  k.work = [](const Params& p) { return reluWork(p, sizeof(float)); };
  k.footprint = fp32ReluFootprint;
  k.extraBytes = [](const Params& p) { return double(p.n) * p.n * sizeof(float); };
  k.trace = reluTrace<float>(k.info.traceNote);
  return k;
}

}  // namespace cachescope
