// matmul.packed: the BLIS / GotoBLAS approach (driver in gemm_packed.cpp).
// Prepare picks the micro-kernel for activeSimd() and derives mc/kc/nc from
// the host's caches, then allocates the packing buffers once; run() packs B
// and A into them (packing is part of the operation, as in any BLAS) and
// calls the micro-kernel on every register tile.
#include <stdexcept>

#include "kernels/gemm_packed.hpp"
#include "kernels/kernel.hpp"

namespace cachescope {

namespace {

GemmPlan planFor(int n) {
  GemmPlan plan = hostGemmPlan();
  plan.blocking = fitGemmBlocking(plan.blocking, n, n, n);
  return plan;
}

class PackedPrepared final : public MatmulPrepared {
 public:
  PackedPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q),
        plan_(planFor(p.n)),
        aBuf_(packedABlockFloats(plan_.blocking)),
        bBuf_(packedBBlockFloats(plan_.blocking)),
        edge_(edgeTileFloats(plan_.blocking)) {}

  void run() override {
    gemmPacked(plan_, n_, n_, n_, problem_.a.data(), n_, problem_.b.data(), n_, c_.data(), n_, aBuf_.data(),
               bBuf_.data(), edge_.data());
  }

 private:
  GemmPlan plan_;
  AlignedBuffer<float> aBuf_, bBuf_, edge_;
};

double packedExtraBytes(const Params& q) {
  GemmPlan plan = planFor(q.n);
  double floats = double(packedABlockFloats(plan.blocking)) + double(packedBBlockFloats(plan.blocking)) +
                  double(edgeTileFloats(plan.blocking));
  return matmulExtraBytes(q) + floats * sizeof(float);
}

}  // namespace

Kernel makeMatmulPacked() {
  Kernel k;
  k.info.id = "matmul.packed";
  k.info.family = Family::Matmul;
  k.info.title = "Packed panels + register-blocked micro-kernel";
  k.info.teaches =
      "Copy a block of B (sized for L3) and of A (sized for L2) into contiguous panels, then let a "
      "tiny micro-kernel keep a whole C tile (6 x 64 with AVX-512) in vector registers while it "
      "streams the panels: every value loaded feeds many FMAs, so the core stays busy at nearly "
      "its peak. Block sizes come from this machine's cache sizes.";
  k.info.traceable = false;
  k.info.traceNote =
      "the micro-kernel is hand-written with vector intrinsics (registers, embedded broadcasts), "
      "not a loop nest over an access policy, so it emits no trace";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<PackedPrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = packedExtraBytes;
  return k;
}

}  // namespace cachescope
