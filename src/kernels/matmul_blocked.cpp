// matmul.blocked: ikj inside bs x bs tiles. A C tile stays resident while A
// and B tiles stream past it; with three tiles fitting in L1 most loads hit.
#include <algorithm>
#include <stdexcept>

#include "kernels/kernel.hpp"
#include "kernels/matmul_loops.hpp"

namespace cachescope {

namespace {
class BlockedPrepared final : public MatmulPrepared {
 public:
  BlockedPrepared(const Problem& p, const Params& q) : MatmulPrepared(p, q) {
    if (q.block < 1) throw std::invalid_argument("block must be >= 1");
    int bs = std::min(q.block, std::max(p.n, 1));
    tile_ = AlignedBuffer<float>(std::size_t(bs) * bs);
  }
  void run() override {
    Direct acc;
    int bs = std::min(params_.block, std::max(n_, 1));
    matmulBlockedLoop<Direct, float, float>(acc, n_, bs, problem_.a.data(), n_, problem_.b.data(), n_, c_.data(), n_,
                                            tile_.data());
  }

 private:
  AlignedBuffer<float> tile_;
};
}  // namespace

Kernel makeMatmulBlocked() {
  Kernel k;
  k.info.id = "matmul.blocked";
  k.info.family = Family::Matmul;
  k.info.title = "Cache blocking (tiled)";
  k.info.teaches =
      "Work on bs x bs tiles so the data being reused stays in cache: a tile of 64 x 64 floats is "
      "16 KiB. Each B tile is first copied into a contiguous buffer: in place, at n = 1024 its rows "
      "are 4 KiB apart and would all compete for the same few L1 sets (conflict misses).";
  k.info.uses = {Param::Block};
  k.info.traceable = true;
  k.info.traceNote =
      "per (i,j): store C=0; tiles ii,jj,kk: copy the B tile (load B, store T); per i and 4 k: load "
      "A[i][k..k+3]; per j: load C[i][j], load T[k..k+3][j], store C[i][j]";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<BlockedPrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = [](const Params& q) { return matmulExtraBytes(q) + double(q.block) * q.block * sizeof(float); };
  return k;
}

}  // namespace cachescope
