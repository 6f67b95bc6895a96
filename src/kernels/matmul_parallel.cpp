// matmul.parallel: the packed GEMM of matmul.packed, with the work shared
// by `threads` oneTBB threads. Serial and parallel side by side:
//
//   serial (gemmPacked)               parallel (this file)
//   for jc, pc:                       for each pass (jc, pc), one phase:
//     pack B block                      bands of C rows, handed out one at a
//     for ic: pack A, macro-kernel        time: pack the band's A into this
//                                         thread's buffer, macro-kernel
//                                         against the shared packed B;
//                                       then the next pass's B panels, packed
//                                         into the other B buffer
//
// The packed B block (kc x nc) is shared: every thread reads it, nobody packs
// a panel twice, and it is double-buffered so that packing the next pass's B
// rides along with this pass: one synchronisation (the end of the phase) per
// k pass. The first pass packs its own B in its phase, panel by panel ahead
// of the bands, and a band takes each panel as soon as it is marked packed.
// A phase holds many more pieces than threads (share_out.hpp: each thread
// takes the next piece from one shared counter), so the split never
// depends on a worker waking in time: a late thread takes fewer bands. The
// bands shrink towards the end of a pass (shrinkingBands: the first ~3/4 of
// the rows in bands of up to mc rows, the rest in bands of a few
// micro-panels, then B panels of a microsecond each), so a pass ends within
// a small piece of its ideal on every thread. Bands are disjoint, so threads never write the same C element
// and need no locks. Each thread slot of the task arena owns its A buffer and
// edge tile, allocated in prepare. Every C element sees the same micro-kernel
// calls, in the same k order, as in matmul.packed: the result is the same to
// the bit.
#include "kernels/matmul_parallel.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>
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

// One (jc, pc) pass of the loop nest, in the order they run.
struct Pass {
  int jc = 0, nb = 0;  // columns of C and B
  int pc = 0, kb = 0;  // depth
  int bBuf = 0;        // which B buffer holds its packed B
};

std::vector<Pass> passesFor(const GemmBlocking& bl, int n) {
  std::vector<Pass> passes;
  for (int jc = 0; jc < n; jc += bl.nc)
    for (int pc = 0; pc < n; pc += bl.kc)
      passes.push_back({jc, std::min(bl.nc, n - jc), pc, std::min(bl.kc, n - pc), int(passes.size() % 2)});
  return passes;
}

class ParallelPrepared final : public MatmulPrepared, public TileRecording {
 public:
  ParallelPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q), threads_(checkedThreads(q.threads)), plan_(planFor(p.n)), arena_(threads_) {
    const GemmBlocking& b = plan_.blocking;
    for (AlignedBuffer<float>& buf : bBufs_) buf = AlignedBuffer<float>(packedBBlockFloats(b));
    for (int t = 0; t < threads_; ++t) {
      aBufs_.emplace_back(packedABlockFloats(b));
      edges_.emplace_back(edgeTileFloats(b));
    }
    passes_ = passesFor(b, n_);
    bands_ = shrinkingBands(n_, b.mr, b.mc, threads_);
    const int firstPanels = passes_.empty() ? 0 : panelCount(passes_.front().nb, b.nr);
    ready_ = std::make_unique<std::atomic<std::uint32_t>[]>(std::size_t(std::max(1, firstPanels)));  // all 0
  }

  void run() override {
    // The runner calls us inside an arena of exactly `threads`; anywhere else
    // we use our own arena of that size, so the count is honoured either way
    // and a thread slot index always has its buffers.
    inArenaOf(threads_, arena_, [this] { body(); });
  }

  void setTileRecorder(TileRecorder* recorder) override { recorder_ = recorder; }
  std::string simdPath() const override { return toString(plan_.simd); }

  // One record per band of each pass.
  std::size_t tilesPerRun() const override { return passes_.size() * bands_.size(); }

 private:
  static int checkedThreads(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1");
    return threads;
  }

  void packB(const Pass& p, int panel) {
    const std::ptrdiff_t ld = n_;
    packBPanels(plan_.blocking, p.kb, p.nb, problem_.b.data() + p.pc * ld + p.jc, ld, panel, panel + 1,
                bBufs_[p.bBuf].data());
  }

  // waitForPanels: the first pass, whose B panels are packed in the same
  // phase; each panel is used once its ready_ mark shows this run.
  void computeBand(const Pass& p, const Band& band, int slot, bool waitForPanels) {
    const GemmBlocking& bl = plan_.blocking;
    const std::ptrdiff_t ld = n_;
    const double t0 = recorder_ ? recorder_->now() : 0.0;
    float* aBuf = aBufs_[std::size_t(slot)].data();
    float* edge = edges_[std::size_t(slot)].data();
    const int row1 = band.begin + band.size;
    const float* packedB = bBufs_[p.bBuf].data();
    for (int ic = band.begin; ic < row1; ic += bl.mc) {
      const int mb = std::min(bl.mc, row1 - ic);
      packA(bl, mb, p.kb, problem_.a.data() + ic * ld + p.pc, ld, aBuf);
      float* c = c_.data() + ic * ld + p.jc;
      // Panel by panel, the order macroKernel takes them in: the same calls.
      for (int panel = 0, j = 0; j < p.nb; ++panel, j += bl.nr) {
        if (waitForPanels) waitReady(panel);
        macroKernel(plan_, mb, std::min(bl.nr, p.nb - j), p.kb, aBuf, packedB + std::ptrdiff_t(panel) * p.kb * bl.nr,
                    c + j, ld, p.pc > 0, edge);
      }
    }
    if (recorder_) recorder_->add({slot, band.begin, p.jc, band.size, p.nb, p.pc, p.kb, t0, recorder_->now()});
  }

  // A panel is handed out before any band (shareOut gives pieces in order),
  // so its packer is running: the wait is short. A cancelled packer never
  // marks it; the waiter sees the same flag and throws too.
  void waitReady(int panel) {
    for (int spins = 0; ready_[std::size_t(panel)].load(std::memory_order_acquire) != run_; ++spins) {
      throwIfCancelled();
      if (spins > 64) std::this_thread::yield();
    }
  }

  void body() {
    const GemmBlocking& bl = plan_.blocking;
    if (passes_.empty()) return;
    if (++run_ == 0) ++run_;  // 0: never packed
    const int bands = int(bands_.size());
    for (std::size_t i = 0; i < passes_.size(); ++i) {
      const Pass& p = passes_[i];
      const Pass* next = i + 1 < passes_.size() ? &passes_[i + 1] : nullptr;
      // The first pass also packs its own B, first, panel by panel, and its
      // bands use each panel as soon as it is packed (no phase of its own
      // to wait out: at n=256 that phase was an eighth of the run). Then
      // the bands, largest first; the next pass's B panels last.
      const int own = i == 0 ? panelCount(p.nb, bl.nr) : 0;
      const int pieces = own + bands + (next ? panelCount(next->nb, bl.nr) : 0);
      shareOut(threads_, pieces, [&](int piece, int slot) {
        if (piece < own) {
          packB(p, piece);
          ready_[std::size_t(piece)].store(run_, std::memory_order_release);
        } else if (piece < own + bands) {
          computeBand(p, bands_[std::size_t(piece - own)], slot, i == 0 && threads_ > 1);
        } else {
          packB(*next, piece - own - bands);
        }
      });
    }
  }

  int threads_;
  GemmPlan plan_;
  tbb::task_arena arena_;  // only used when run() is called outside a matching arena
  AlignedBuffer<float> bBufs_[2];                    // double-buffered packed B block
  std::vector<AlignedBuffer<float>> aBufs_, edges_;  // one per arena slot
  std::vector<Pass> passes_;
  std::vector<Band> bands_;
  // Per B panel of the first pass: the run that packed it last (run_ counts).
  std::unique_ptr<std::atomic<std::uint32_t>[]> ready_;
  std::uint32_t run_ = 0;
  TileRecorder* recorder_ = nullptr;
};

double parallelExtraBytes(const Params& q) {
  GemmPlan plan = planFor(q.n);
  const GemmBlocking& b = plan.blocking;
  double perThread = double(packedABlockFloats(b)) + double(edgeTileFloats(b));
  double floats = 2.0 * double(packedBBlockFloats(b)) + std::max(1, q.threads) * perThread;
  return matmulExtraBytes(q) + floats * sizeof(float);
}

}  // namespace

Kernel makeMatmulParallel() {
  Kernel k;
  k.info.id = "matmul.parallel";
  k.info.family = Family::Matmul;
  k.info.title = "Packed + oneTBB threads";
  k.info.teaches =
      "The packed kernel on several cores: each k pass shares one packed B block (packed by all "
      "threads during the pass before), and the threads take bands of C rows one at a time from a "
      "shared counter, many more bands than threads and smaller towards the end, so a thread that "
      "starts late just takes fewer. Bands are disjoint, so there are no locks; each core has its "
      "own L1 and L2, so the cache blocking still holds per thread and the speed scales with the "
      "thread count.";
  k.info.uses = {Param::Threads};
  k.info.traceNote =
      "runs the vector micro-kernel of matmul.packed on several threads at once: neither the "
      "intrinsics nor the interleaving of threads form one traceable loop nest";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<ParallelPrepared>(p, q); };
  k.work = matmulWork;
  k.footprint = fp32MatmulFootprint;
  k.extraBytes = parallelExtraBytes;
  return k;
}

}  // namespace cachescope
