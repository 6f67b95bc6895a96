// matmul.parallel: the packed GEMM of matmul.packed, with the work split over
// `threads` oneTBB threads. Serial and parallel side by side:
//
//   serial (gemmPacked)               parallel (this file)
//   for jc, pc:                       for jc, pc:
//     pack B block                      parallel_for: pack disjoint B panels
//     for ic: pack A, macro-kernel      parallel_for over row chunks of C:
//                                         pack this chunk's A into this
//                                         thread's buffer, macro-kernel
//
// The packed B block (kc x nc) is shared: every thread reads it, nobody packs
// it twice. Row chunks of C are disjoint, so threads never write the same C
// element and need no locks; the end of each parallel_for is the only
// synchronisation. Each thread slot of the task arena owns its A buffer and
// edge tile, allocated in prepare.
#include "kernels/matmul_parallel.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "kernels/gemm_packed.hpp"
#include "kernels/kernel.hpp"

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

// Row chunks per k pass: one per thread, in whole mr-row panels, so each
// thread streams a long run of A panels past every B micro-panel it loads.
int chunkCount(const GemmBlocking& b, int m, int threads) {
  return std::max(1, std::min(threads, panelCount(m, b.mr)));
}

class ParallelPrepared final : public MatmulPrepared, public TileRecording {
 public:
  ParallelPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q), threads_(checkedThreads(q.threads)), plan_(planFor(p.n)), arena_(threads_) {
    const GemmBlocking& b = plan_.blocking;
    bBuf_ = AlignedBuffer<float>(packedBBlockFloats(b));
    for (int t = 0; t < threads_; ++t) {
      aBufs_.emplace_back(packedABlockFloats(b));
      edges_.emplace_back(edgeTileFloats(b));
    }
    chunks_ = chunkCount(b, n_, threads_);
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

  std::size_t tilesPerRun() const override {
    const GemmBlocking& b = plan_.blocking;
    std::size_t jc = std::size_t(panelCount(n_, b.nc)), pc = std::size_t(panelCount(n_, b.kc));
    return jc * pc * std::size_t(chunks_);
  }

 private:
  static int checkedThreads(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1");
    return threads;
  }

  void body() {
    const GemmBlocking& bl = plan_.blocking;
    const int n = n_;
    const std::ptrdiff_t ld = n;
    const float* a = problem_.a.data();
    const float* b = problem_.b.data();
    float* c = c_.data();
    const int rowPanels = panelCount(n, bl.mr);

    for (int jc = 0; jc < n; jc += bl.nc) {
      const int nb = std::min(bl.nc, n - jc);
      const int bPanels = panelCount(nb, bl.nr);
      for (int pc = 0; pc < n; pc += bl.kc) {
        const int kb = std::min(bl.kc, n - pc);
        const float* bSrc = b + pc * ld + jc;
        // Race-free by construction (TSan cannot see into Debian's libtbb):
        // each range packs its own B panels [begin, end) into disjoint parts
        // of bBuf_, and this parallel_for returns (joins) before the next one
        // reads bBuf_, so every reader sees the whole packed panel.
        tbb::parallel_for(
            tbb::blocked_range<int>(0, bPanels),
            [&](const tbb::blocked_range<int>& r) {
              packBPanels(bl, kb, nb, bSrc, ld, r.begin(), r.end(), bBuf_.data());
            },
            tbb::static_partitioner());

        // Each chunk owns the rows [row0, row1) of C: no two write the same
        // element. aBufs_/edges_ are per arena slot, and a slot index is held
        // by one thread at a time, which runs one chunk body at a time. The
        // recorder claims its record slots with an atomic counter.
        tbb::parallel_for(
            tbb::blocked_range<int>(0, chunks_, 1),
            [&](const tbb::blocked_range<int>& r) {
              const int slot = tbb::this_task_arena::current_thread_index();
              float* aBuf = aBufs_[std::size_t(slot)].data();
              float* edge = edges_[std::size_t(slot)].data();
              for (int ch = r.begin(); ch < r.end(); ++ch) {
                const int row0 = int(std::int64_t(rowPanels) * ch / chunks_) * bl.mr;
                const int row1 = std::min(n, int(std::int64_t(rowPanels) * (ch + 1) / chunks_) * bl.mr);
                const double t0 = recorder_ ? recorder_->now() : 0.0;
                for (int ic = row0; ic < row1; ic += bl.mc) {
                  const int mb = std::min(bl.mc, row1 - ic);
                  packA(bl, mb, kb, a + ic * ld + pc, ld, aBuf);
                  macroKernel(plan_, mb, nb, kb, aBuf, bBuf_.data(), c + ic * ld + jc, ld, pc > 0, edge);
                }
                if (recorder_)
                  recorder_->add({slot, row0, jc, row1 - row0, nb, pc, kb, t0, recorder_->now()});
              }
            },
            tbb::simple_partitioner());
      }
    }
  }

  int threads_;
  GemmPlan plan_;
  tbb::task_arena arena_;  // only used when run() is called outside a matching arena
  AlignedBuffer<float> bBuf_;
  std::vector<AlignedBuffer<float>> aBufs_, edges_;  // one per arena slot
  int chunks_ = 1;
  TileRecorder* recorder_ = nullptr;
};

double parallelExtraBytes(const Params& q) {
  GemmPlan plan = planFor(q.n);
  const GemmBlocking& b = plan.blocking;
  double perThread = double(packedABlockFloats(b)) + double(edgeTileFloats(b));
  double floats = double(packedBBlockFloats(b)) + std::max(1, q.threads) * perThread;
  return matmulExtraBytes(q) + floats * sizeof(float);
}

}  // namespace

Kernel makeMatmulParallel() {
  Kernel k;
  k.info.id = "matmul.parallel";
  k.info.family = Family::Matmul;
  k.info.title = "Packed + oneTBB threads";
  k.info.teaches =
      "The packed kernel on several cores: each k pass packs one shared B block (threads pack "
      "different panels), then every thread takes its own band of C rows with its own A buffer. "
      "Bands are disjoint, so there are no locks; each core has its own L1 and L2, so the cache "
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
