// matmul.parallel: the packed GEMM of matmul.packed, with the work shared
// by `threads` oneTBB threads. Serial and parallel side by side:
//
//   serial (gemmPacked)               parallel (this file)
//   for jc, pc:                       for each block (jc, pc, ic), one phase:
//     pack B block                      compute tiles of this block: one B
//     for ic: pack A, macro-kernel        micro-panel (nr columns) x all mb
//                                         rows of the packed A block, and
//                                       pack the next block's A panels (and
//                                         its B panels when a pass starts)
//                                         into the other buffer
//
// The packed A block (mc x kc) and B block (kc x nc) are shared: every thread
// reads them, nobody packs a panel twice; each is double-buffered so that
// packing the next block rides along with computing this one, and a block
// costs one synchronisation (the end of its phase), not two. The pieces of a
// phase (a few hundred: tiles of C of at most ~2 Mflop, then panels to pack)
// are handed out one at a time from a shared counter (share_out.hpp), so the
// split never depends on a worker waking in time: a late thread takes fewer
// tiles, and the phase ends within one small tile of its ideal. Tiles of C
// are disjoint, so threads never write the same C element and need no locks.
// Each thread slot of the task arena owns its edge tile, allocated in
// prepare. Every C element sees the same micro-kernel calls, in the same k
// order, as in matmul.packed: the result is the same to the bit.
#include "kernels/matmul_parallel.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/gemm_packed.hpp"
#include "kernels/kernel.hpp"
#include "kernels/share_out.hpp"

namespace cachescope {

TileRecorder::TileRecorder(std::size_t capacity) : slots_(capacity) { restart(); }

void TileRecorder::restart() {
  next_.store(0, std::memory_order_relaxed);
  origin_ = std::chrono::steady_clock::now();
}

std::vector<TileRecord> TileRecorder::records() const {
  std::size_t count = std::min(next_.load(std::memory_order_acquire), slots_.size());
  return {slots_.begin(), slots_.begin() + std::ptrdiff_t(count)};
}

std::size_t TileRecorder::dropped() const {
  std::size_t count = next_.load(std::memory_order_acquire);
  return count > slots_.size() ? count - slots_.size() : 0;
}

double TileRecorder::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - origin_).count();
}

void TileRecorder::add(const TileRecord& record) {
  std::size_t slot = next_.fetch_add(1, std::memory_order_acq_rel);
  if (slot < slots_.size()) slots_[slot] = record;
}

namespace {

GemmPlan planFor(int n) {
  GemmPlan plan = hostGemmPlan();
  plan.blocking = fitGemmBlocking(plan.blocking, n, n, n);
  return plan;
}

// One (jc, pc, ic) block of the loop nest, in the order they run.
struct Block {
  int jc = 0, nb = 0;  // columns of C and B
  int pc = 0, kb = 0;  // the k pass
  int ic = 0, mb = 0;  // rows of C and A
  int buf = 0;         // which A buffer holds its packed A
  int bBuf = 0;        // which B buffer holds its pass's packed B
  bool newPass = false;  // the first block of its (jc, pc) pass: its B must be packed
};

std::vector<Block> blocksFor(const GemmBlocking& bl, int n) {
  std::vector<Block> blocks;
  int pass = 0;
  for (int jc = 0; jc < n; jc += bl.nc)
    for (int pc = 0; pc < n; pc += bl.kc, ++pass)
      for (int ic = 0; ic < n; ic += bl.mc) {
        Block b{jc, std::min(bl.nc, n - jc), pc, std::min(bl.kc, n - pc), ic, std::min(bl.mc, n - ic),
                int(blocks.size() % 2), pass % 2, ic == 0};
        blocks.push_back(b);
      }
  return blocks;
}

class ParallelPrepared final : public MatmulPrepared, public TileRecording {
 public:
  ParallelPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q), threads_(checkedThreads(q.threads)), plan_(planFor(p.n)), arena_(threads_) {
    const GemmBlocking& b = plan_.blocking;
    for (int i = 0; i < 2; ++i) {
      aBufs_[i] = AlignedBuffer<float>(packedABlockFloats(b));
      bBufs_[i] = AlignedBuffer<float>(packedBBlockFloats(b));
    }
    for (int t = 0; t < threads_; ++t) edges_.emplace_back(edgeTileFloats(b));
    blocks_ = blocksFor(b, n_);
  }

  void run() override {
    // The runner calls us inside an arena of exactly `threads`; anywhere else
    // we use our own arena of that size, so the count is honoured either way
    // and a thread slot index always has its buffers.
    if (tbb::this_task_arena::max_concurrency() == threads_)
      body();
    else
      arena_.execute([this] { body(); });
  }

  void setTileRecorder(TileRecorder* recorder) override { recorder_ = recorder; }

  // One record per compute tile: a B micro-panel of each block.
  std::size_t tilesPerRun() const override {
    std::size_t tiles = 0;
    for (const Block& b : blocks_) tiles += std::size_t(panelCount(b.nb, plan_.blocking.nr));
    return tiles;
  }

 private:
  static int checkedThreads(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1");
    return threads;
  }

  // Packing work of block `b`, as pieces: its A panels, then (first block of
  // a pass) its B panels.
  int packPieces(const Block& b) const {
    const GemmBlocking& bl = plan_.blocking;
    return panelCount(b.mb, bl.mr) + (b.newPass ? panelCount(b.nb, bl.nr) : 0);
  }

  void packPiece(const Block& b, int piece) {
    const GemmBlocking& bl = plan_.blocking;
    const std::ptrdiff_t ld = n_;
    const int aPanels = panelCount(b.mb, bl.mr);
    if (piece < aPanels) {
      const int row = piece * bl.mr;
      packA(bl, std::min(bl.mr, b.mb - row), b.kb, problem_.a.data() + (b.ic + row) * ld + b.pc, ld,
            aBufs_[b.buf].data() + std::ptrdiff_t(piece) * b.kb * bl.mr);
    } else {
      const int panel = piece - aPanels;
      packBPanels(bl, b.kb, b.nb, problem_.b.data() + b.pc * ld + b.jc, ld, panel, panel + 1, bBufs_[b.bBuf].data());
    }
  }

  void computeTile(const Block& b, int panel, int slot) {
    const GemmBlocking& bl = plan_.blocking;
    const std::ptrdiff_t ld = n_;
    const int col = panel * bl.nr, w = std::min(bl.nr, b.nb - col);
    const double t0 = recorder_ ? recorder_->now() : 0.0;
    macroKernel(plan_, b.mb, w, b.kb, aBufs_[b.buf].data(), bBufs_[b.bBuf].data() + std::ptrdiff_t(panel) * b.kb * bl.nr,
                c_.data() + b.ic * ld + b.jc + col, ld, b.pc > 0, edges_[std::size_t(slot)].data());
    if (recorder_) recorder_->add({slot, b.ic, b.jc + col, b.mb, w, b.pc, b.kb, t0, recorder_->now()});
  }

  void body() {
    const GemmBlocking& bl = plan_.blocking;
    if (blocks_.empty()) return;
    // Before the first block: pack its A and B.
    const Block& first = blocks_.front();
    shareOut(threads_, packPieces(first), [&](int piece, int) { packPiece(first, piece); });
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      const Block& b = blocks_[i];
      const int tiles = panelCount(b.nb, bl.nr);
      const Block* next = i + 1 < blocks_.size() ? &blocks_[i + 1] : nullptr;
      const int pieces = tiles + (next ? packPieces(*next) : 0);
      // Tiles first, packing last: the phase ends on pieces of a microsecond.
      shareOut(threads_, pieces, [&](int piece, int slot) {
        if (piece < tiles)
          computeTile(b, piece, slot);
        else
          packPiece(*next, piece - tiles);
      });
    }
  }

  int threads_;
  GemmPlan plan_;
  tbb::task_arena arena_;  // only used when run() is called outside a matching arena
  AlignedBuffer<float> aBufs_[2], bBufs_[2];  // double-buffered packed blocks
  std::vector<AlignedBuffer<float>> edges_;   // one per arena slot
  std::vector<Block> blocks_;
  TileRecorder* recorder_ = nullptr;
};

double parallelExtraBytes(const Params& q) {
  GemmPlan plan = planFor(q.n);
  const GemmBlocking& b = plan.blocking;
  double floats = 2.0 * (double(packedABlockFloats(b)) + double(packedBBlockFloats(b))) +
                  std::max(1, q.threads) * double(edgeTileFloats(b));
  return matmulExtraBytes(q) + floats * sizeof(float);
}

}  // namespace

Kernel makeMatmulParallel() {
  Kernel k;
  k.info.id = "matmul.parallel";
  k.info.family = Family::Matmul;
  k.info.title = "Packed + oneTBB threads";
  k.info.teaches =
      "The packed kernel on several cores: the threads pack one shared A block and B block together, "
      "then take tiles of C (one B micro-panel by all rows of the A block) one at a time from a "
      "shared counter, many more tiles than threads, so a thread that starts late just takes fewer. "
      "Tiles are disjoint, so there are no locks; each core has its own L1 and L2, so the cache "
      "blocking still holds per thread and the speed scales with the thread count.";
  k.info.uses = {Param::Threads};
  k.info.traceNote =
      "runs the vector micro-kernel of matmul.packed on several threads at once: neither the "
      "intrinsics nor the interleaving of threads form one traceable loop nest";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ParallelPrepared>(p, q); };
  k.work = matmulWork;
  k.extraBytes = parallelExtraBytes;
  return k;
}

}  // namespace cachescope
