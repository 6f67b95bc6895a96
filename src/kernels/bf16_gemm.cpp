#include "kernels/bf16_gemm.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "platform/amx_tiles.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"

namespace cachescope {

namespace {

std::size_t cacheBytesOr(int level, std::size_t fallback) {
  const CacheInfo* c = host().cache(level);
  return c && c->sizeBytes ? c->sizeBytes : fallback;
}

// Releases the tile state when a share ends, also when a cancellation
// throws out of it.
struct TileGuard {
  TileGuard() { amxLoadTiles16x64(); }
  ~TileGuard() { amxReleaseTiles(); }
  TileGuard(const TileGuard&) = delete;
  TileGuard& operator=(const TileGuard&) = delete;
};

}  // namespace

bool bf16AmxActive() { return host().amxBf16 && amxActive(); }

Bf16Engine bf16Engine() {
  if (bf16AmxActive()) return Bf16Engine::Amx;
  if (host().avx512bf16 && activeSimd() == SimdLevel::Avx512) return Bf16Engine::Avx512Bf16;
  return Bf16Engine::None;
}

const char* bf16EngineName(Bf16Engine e) {
  switch (e) {
    case Bf16Engine::Amx: return "amx-bf16";
    case Bf16Engine::Avx512Bf16: return "avx512-bf16";
    case Bf16Engine::None: break;
  }
  return "none";
}

Bf16Gemm::Bf16Gemm(int m, int n, int k, const float* a, const float* b, int threads)
    : engine_(bf16Engine()),
      m_(m),
      n_(n),
      k_(k),
      kp_((k + kBf16K - 1) / kBf16K * kBf16K),
      panels_((n + kBf16Nr - 1) / kBf16Nr),
      threads_(threads),
      arena_(std::max(1, threads)) {
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("bf16 GEMM needs m, n, k >= 1");
  if (threads < 1) throw std::invalid_argument("bf16 GEMM needs threads >= 1");
  if (engine_ == Bf16Engine::None)
    throw std::invalid_argument("bf16 GEMM needs AMX-BF16 (amx_bf16, with the tile state) or AVX512-BF16 (avx512_bf16)");
  const std::size_t l1 = cacheBytesOr(1, 32 * 1024), l2 = cacheBytesOr(2, 1024 * 1024);
  // kc: the B micro-panel (kc x 64 bytes) takes two thirds of L1. With
  // AVX512-BF16 on half-rate zmm (Zen 4, host().zmmHalfRate) B is consumed
  // slowly enough to stream from L2, and every kc block saved is a pass of
  // C less: up to a sixteenth of L2 (kc 1024 on a 1 MiB L2: n = 1024 went
  // from 185 to 208 GFLOP/s against kc 256, on Zen 4). The blocks are made
  // equal, so that the last is not a thin one.
  std::size_t bShare = l1 * 2 / 3;
  if (engine_ == Bf16Engine::Avx512Bf16 && host().zmmHalfRate) bShare = std::max(bShare, l2 / 16);
  const int most = std::max(kBf16K, int(bShare / (kBf16Nr * 2)) / kBf16K * kBf16K);
  const int blocks = (kp_ + most - 1) / most;
  kc_ = std::min(kp_, (kp_ / kBf16K + blocks - 1) / blocks * kBf16K);
  const int mUp = (m + kBf16Mr - 1) / kBf16Mr * kBf16Mr;
  mc_ = std::clamp(int(l2 / 2 / (std::size_t(kc_) * 2)) / kBf16Mr * kBf16Mr, kBf16Mr, mUp);

  a_ = AlignedBuffer<std::uint16_t>(std::size_t(m) * kp_);
  std::fill(a_.begin(), a_.end(), std::uint16_t(0));
  for (int i = 0; i < m; ++i)
    for (int kk = 0; kk < k; ++kk) a_[std::size_t(i) * kp_ + kk] = toBf16(a[std::size_t(i) * k + kk]);

  b_ = AlignedBuffer<std::uint16_t>(std::size_t(panels_) * kp_ * kBf16Nr);
  std::fill(b_.begin(), b_.end(), std::uint16_t(0));
  for (int jp = 0; jp < panels_; ++jp) {
    std::uint16_t* panel = b_.data() + std::size_t(jp) * kp_ * kBf16Nr;
    for (int kk = 0; kk < k; ++kk)
      for (int j = 0; j < kBf16Nr && jp * kBf16Nr + j < n; ++j)
        panel[std::size_t(kk / 2) * kBf16Nr * 2 + j * 2 + kk % 2] = toBf16(b[std::size_t(kk) * n + jp * kBf16Nr + j]);
  }
  for (int t = 0; t < threads_; ++t) aPack_.emplace_back(std::size_t(mc_) * kc_);
  bands_ = shrinkingBands(m_, kBf16Mr, mc_, threads_);
}

double Bf16Gemm::extraBytes(int n, int threads) {
  // A and B in bf16 (padding: at most 31 k and 31 columns), plus each
  // thread's A block (at most half of L2: 2 MiB is ample).
  const double kp = n + 31.0, np = n + 32.0;
  return 2.0 * (double(n) * kp + kp * np) + 2.0 * 1024 * 1024 * std::max(1, threads);
}

void Bf16Gemm::run(float* c, std::size_t ldc) {
  runBands(threads_, arena_, bands_, m_, [&](int row0, int row1, int slot) { runRows(c, ldc, row0, row1, slot); });
}

void Bf16Gemm::runRows(float* c, std::size_t ldc, int row0, int row1, int slot) {
  std::uint16_t* aPack = aPack_[std::size_t(slot)].data();
  std::optional<TileGuard> tiles;
  if (engine_ == Bf16Engine::Amx) tiles.emplace();
  void (*const micro)(const Bf16Tile&) = engine_ == Bf16Engine::Amx ? bf16MicroAmx : bf16MicroAvx512;
  Bf16Tile t;
  t.ldc = ldc;
  for (int pc = 0; pc < kp_; pc += kc_) {
    const int kcb = std::min(kc_, kp_ - pc);
    t.kc = kcb;
    t.first = pc == 0;
    for (int ic = row0; ic < row1; ic += mc_) {
      throwIfCancelled();  // once per mc x kc x n block
      const int rows = std::min(mc_, row1 - ic);
      // Rows of this block, kcb values each; missing rows of the last
      // micro-panel are zeros.
      const int rowsUp = (rows + kBf16Mr - 1) / kBf16Mr * kBf16Mr;
      for (int r = 0; r < rowsUp; ++r) {
        std::uint16_t* out = aPack + std::size_t(r) * kcb;
        if (r < rows)
          std::memcpy(out, a_.data() + std::size_t(ic + r) * kp_ + pc, std::size_t(kcb) * 2);
        else
          std::memset(out, 0, std::size_t(kcb) * 2);
      }
      for (int jp = 0; jp < panels_; ++jp) {
        const int col0 = jp * kBf16Nr;
        t.b = b_.data() + std::size_t(jp) * kp_ * kBf16Nr + std::size_t(pc) * kBf16Nr;
        t.cols = std::min(kBf16Nr, n_ - col0);
        for (int ir = 0; ir < rows; ir += kBf16Mr) {
          t.a = aPack + std::size_t(ir) * kcb;
          t.c = c + std::size_t(ic + ir) * ldc + col0;
          t.rows = std::min(kBf16Mr, rows - ir);
          micro(t);
        }
      }
    }
  }
}

}  // namespace cachescope
