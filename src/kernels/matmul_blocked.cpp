// matmul.blocked: ikj inside bs x bs tiles. A C tile stays resident while A
// and B tiles stream past it; with three tiles fitting in L1 most loads hit.
#include <stdexcept>

#include "kernels/kernel.hpp"
#include "kernels/matmul_loops.hpp"

namespace cachescope {

namespace {
class BlockedPrepared final : public MatmulPrepared {
 public:
  BlockedPrepared(const Problem& p, const Params& q) : MatmulPrepared(p, q) {
    if (q.block < 1) throw std::invalid_argument("block must be >= 1");
  }
  void run() override {
    Direct acc;
    matmulBlockedLoop<Direct, float, float>(acc, n_, params_.block, problem_.a.data(), n_, problem_.b.data(), n_,
                                            c_.data(), n_);
  }
};
}  // namespace

Kernel makeMatmulBlocked() {
  Kernel k;
  k.info.id = "matmul.blocked";
  k.info.family = Family::Matmul;
  k.info.title = "Cache blocking (tiled)";
  k.info.teaches =
      "Work on bs x bs tiles so the data being reused stays in cache: a tile of 64 x 64 floats is "
      "16 KiB, so the C, A and B tiles together (48 KiB) fit in a 48 KiB L1.";
  k.info.uses = {Param::Block};
  k.info.traceable = true;
  k.info.traceNote = "as reordered (ikj), inside bs x bs tiles visited in ii, jj, kk order";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<BlockedPrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = matmulExtraBytes;
  return k;
}

}  // namespace cachescope
