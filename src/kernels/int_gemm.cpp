#include "kernels/int_gemm.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/int_gemm_isa.hpp"
#include "platform/amx_tiles.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"

namespace cachescope {

namespace {

// Byte of two int4 values -> the two sign-extended int8 values, low first
// (as a little-endian uint16).
const std::array<std::uint16_t, 256>& int4Lut() {
  static const std::array<std::uint16_t, 256> lut = [] {
    std::array<std::uint16_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b) {
      auto sext = [](unsigned nib) { return std::uint8_t(std::int8_t(int(nib ^ 8u) - 8)); };
      t[b] = std::uint16_t(sext(b & 0xFu) | (sext(b >> 4) << 8));
    }
    return t;
  }();
  return lut;
}

#if defined(__SSE2__)
// Four groups of 4 k of mr = 4 or 6 full int8 rows into a micro-panel
// (group after group, row after row): a 4 x 4 and a 2 x 4 transpose of
// 32-bit words, with the +128 flip. Three times fewer instructions than a
// word at a time (packA was 7% of matmul.int8's profile at n = 1024).
void interleaveFourGroups(const std::uint8_t* const* rows, int mr, std::uint32_t flip, std::uint8_t* dst) {
  const __m128i f = _mm_set1_epi32(int(flip));
  auto load = [&](int r) { return _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[r])), f); };
  auto store16 = [](std::uint8_t* at, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(at), v); };
  auto store8 = [](std::uint8_t* at, __m128i v) { _mm_storel_epi64(reinterpret_cast<__m128i*>(at), v); };
  const std::size_t stride = std::size_t(mr) * 4;
  const __m128i r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3);
  const __m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpackhi_epi32(r0, r1);  // r0 r1 of groups 0,1 / 2,3
  const __m128i t2 = _mm_unpacklo_epi32(r2, r3), t3 = _mm_unpackhi_epi32(r2, r3);
  store16(dst, _mm_unpacklo_epi64(t0, t2));
  store16(dst + stride, _mm_unpackhi_epi64(t0, t2));
  store16(dst + 2 * stride, _mm_unpacklo_epi64(t1, t3));
  store16(dst + 3 * stride, _mm_unpackhi_epi64(t1, t3));
  if (mr == 6) {
    const __m128i r4 = load(4), r5 = load(5);
    const __m128i u0 = _mm_unpacklo_epi32(r4, r5), u1 = _mm_unpackhi_epi32(r4, r5);
    store8(dst + 16, u0);
    store8(dst + stride + 16, _mm_unpackhi_epi64(u0, u0));
    store8(dst + 2 * stride + 16, u1);
    store8(dst + 3 * stride + 16, _mm_unpackhi_epi64(u1, u1));
  }
}
#endif

void unpackInt4Scalar(const std::uint8_t* packed, std::size_t count, std::int8_t* out) {
  const auto& lut = int4Lut();
  std::size_t pairs = count / 2;
  for (std::size_t i = 0; i < pairs; ++i) std::memcpy(out + 2 * i, &lut[packed[i]], 2);
  if (count % 2) out[count - 1] = std::int8_t(lut[packed[pairs]] & 0xFF);
}

// The portable reference micro-kernel: same packed layouts, plain C++.
constexpr int kScalarMr = 4, kScalarNr = 16;

void intMicroScalar(const IntTile& t) {
  std::int32_t acc[kScalarMr * kScalarNr] = {};
  const auto* a = reinterpret_cast<const std::int8_t*>(t.a);
  for (int q = 0; q < t.kq; ++q) {
    const std::int8_t* aq = a + q * kScalarMr * 4;
    const std::int8_t* bq = t.b + q * kScalarNr * 4;
    for (int r = 0; r < kScalarMr; ++r) {
      const std::int32_t a0 = aq[r * 4], a1 = aq[r * 4 + 1], a2 = aq[r * 4 + 2], a3 = aq[r * 4 + 3];
      for (int j = 0; j < kScalarNr; ++j)
        acc[r * kScalarNr + j] += a0 * bq[j * 4] + a1 * bq[j * 4 + 1] + a2 * bq[j * 4 + 2] + a3 * bq[j * 4 + 3];
    }
  }
  intTileEpilogue(t, acc, kScalarNr);
}

std::size_t cacheBytes(int level, std::size_t fallback) {
  const CacheInfo* c = host().cache(level);
  return c && c->sizeBytes ? c->sizeBytes : fallback;
}

}  // namespace

IntGemmIsa selectIntGemmIsa() {
  const SimdLevel level = activeSimd();
  if (amxActive()) {
    IntGemmIsa amx{"amx", kAmxMr, kAmxNr, false, intMicroAmx, unpackInt4Avx512};
    amx.rowMajorA = true;
    amx.kAlign = kAmxK;
    amx.l1TwelfthsB = 8;
    amx.begin = amxLoadTiles16x64;
    amx.end = amxReleaseTiles;
    return amx;
  }
  if (level == SimdLevel::Avx512 && host().avx512vnni) {
    IntGemmIsa vnni{"avx512-vnni", kVnniMr, kVnniNr, true, intMicroAvx512Vnni, unpackInt4Avx512};
    vnni.l1TwelfthsB = 9;
    vnni.bFromL2 = host().zmmHalfRate;
    return vnni;
  }
  if (level >= SimdLevel::Avx2) return {"avx2", kAvx2Mr, kAvx2Nr, false, intMicroAvx2, unpackInt4Avx2};
  return {"scalar", kScalarMr, kScalarNr, false, intMicroScalar, unpackInt4Scalar};
}

void intTileEpilogue(const IntTile& t, const std::int32_t* acc, int nr) {
  for (int r = 0; r < t.rows; ++r) {
    float* row = t.c + r * t.ldc;
    for (int j = 0; j < t.cols; ++j) {
      // Unsigned arithmetic: the int32 sum is exact modulo 2^32, like vpaddd.
      std::uint32_t v = std::uint32_t(acc[r * nr + j]);
      if (t.first) {
        if (t.colOffset) v -= std::uint32_t(t.colOffset[j]);
      } else {
        std::uint32_t prev;
        std::memcpy(&prev, row + j, 4);
        v += prev;
      }
      if (t.last) {
        row[j] = float(std::int32_t(v)) * t.rowScale[r] * t.colScale[j];
      } else {
        std::memcpy(row + j, &v, 4);
      }
    }
  }
}

IntGemm::IntGemm(int m, int n, int k, const std::int8_t* aq, const std::int8_t* bq, std::vector<float> rowScale,
                 std::vector<float> colScale, IntStorage storage, int threads)
    : isa_(selectIntGemmIsa()),
      m_(m),
      n_(n),
      k_(k),
      kp_((k + isa_.kAlign - 1) / isa_.kAlign * isa_.kAlign),
      storage_(storage),
      threads_(threads),
      arena_(std::max(1, threads)) {
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("integer GEMM needs m, n, k >= 1");
  if (threads < 1) throw std::invalid_argument("threads must be >= 1");
  if (rowScale.size() != std::size_t(m) || colScale.size() != std::size_t(n))
    throw std::invalid_argument("integer GEMM: one scale per row of A and per column of B");
  const int mr = isa_.mr, nr = isa_.nr;
  const bool int4 = storage == IntStorage::Int4;

  // kc: the B micro-panel (kc x nr bytes) takes l1TwelfthsB of L1, A's
  // streams through the rest; each extra kc block costs a pass of int32
  // partial sums through C. AMX: two thirds, 1024 k on a 48 KiB L1 (the tile
  // epilogue is a sixth of a 32 x 32 x 1024 step; 1024 ran 1.3x faster than
  // 768 at n = 1024 on Sapphire Rapids). VNNI: three quarters (576 k, 36 KiB
  // of a 48 KiB L1: n = 2048 at 606 GOP/s against 581 with half, medians of
  // 7 in two alternating runs on an Emerald Rapids Xeon; n = 1024 alike).
  // Where a zmm multiply-add takes a cycle of both halves (Zen 4,
  // host().zmmHalfRate), B is consumed at half the rate and streams from L2
  // fast enough: the micro-panel may take up to a sixteenth of L2 (kc 1024
  // on a 1 MiB L2; VNNI n = 2048 ran 400-417 GOP/s against 364-372 with
  // kc 352 from L1, n = 1024 405-426 against 399-410, on Zen 4).
  // The k passes are then evened out (2048 = 4 x 512, not 3 x 576 + 320).
  // mc: the packed A block (mc x kc) takes half of L2.
  const std::size_t l1 = cacheBytes(1, 32 * 1024), l2 = cacheBytes(2, 1024 * 1024);
  const int ka = isa_.kAlign;
  std::size_t bShare = l1 * std::size_t(isa_.l1TwelfthsB) / 12;
  if (isa_.bFromL2) bShare = std::max(bShare, l2 / 16);
  kc_ = std::clamp(int(bShare / std::size_t(nr)) / ka * ka, ka, kp_);
  const int kPasses = (kp_ + kc_ - 1) / kc_;
  kc_ = std::min(kc_, ((kp_ + kPasses - 1) / kPasses + ka - 1) / ka * ka);
  const int mUp = (m + mr - 1) / mr * mr;
  mc_ = std::clamp(int(l2 / 2 / std::size_t(kc_)) / mr * mr, mr, mUp);
  panels_ = (n + nr - 1) / nr;

  // A source, k padded with zeros to kp.
  const std::size_t aElems = std::size_t(m) * kp_;
  a_ = AlignedBuffer<std::uint8_t>(int4 ? aElems / 2 : aElems);
  for (int i = 0; i < m; ++i) {
    for (int kk = 0; kk < k; ++kk) {
      const std::int8_t v = aq[std::size_t(i) * k + kk];
      const std::size_t idx = std::size_t(i) * kp_ + kk;
      if (!int4) {
        a_[idx] = std::uint8_t(v);
      } else {
        if (v < -8 || v > 7) throw std::invalid_argument("int4 storage needs values in [-8, 7]");
        a_[idx / 2] |= std::uint8_t((unsigned(v) & 0xFu) << ((idx & 1) * 4));
      }
    }
  }

  // B packed into panels; the padding (k >= k, columns >= n) stays zero.
  const std::size_t bElems = std::size_t(panels_) * kp_ * nr;
  AlignedBuffer<std::int8_t> bPacked(bElems);
  colOffset_ = AlignedBuffer<std::int32_t>(std::size_t(panels_) * nr);
  for (int jp = 0; jp < panels_; ++jp) {
    std::int8_t* panel = bPacked.data() + std::size_t(jp) * kp_ * nr;
    for (int kk = 0; kk < k; ++kk) {
      for (int j = 0; j < nr && jp * nr + j < n; ++j) {
        const std::int8_t v = bq[std::size_t(kk) * n + jp * nr + j];
        panel[std::size_t(kk / 4) * nr * 4 + j * 4 + kk % 4] = v;
        colOffset_[jp * nr + j] += 128 * v;
      }
    }
  }
  if (!isa_.unsignedA) std::fill(colOffset_.begin(), colOffset_.end(), 0);
  if (!int4) {
    b_ = AlignedBuffer<std::uint8_t>(bElems);
    std::memcpy(b_.data(), bPacked.data(), bElems);
  } else {
    for (std::int8_t v : bPacked)
      if (v < -8 || v > 7) throw std::invalid_argument("int4 storage needs values in [-8, 7]");
    b_ = AlignedBuffer<std::uint8_t>(bElems / 2);  // kp * nr is even
    for (std::size_t i = 0; i < bElems; i += 2)
      b_[i / 2] = std::uint8_t((unsigned(bPacked[i]) & 0xFu) | ((unsigned(bPacked[i + 1]) & 0xFu) << 4));
    for (int t = 0; t < threads_; ++t) bPanel_.emplace_back(std::size_t(kc_) * nr);
  }

  for (int t = 0; t < threads_; ++t) aPack_.emplace_back(std::size_t(mc_) * kc_);
  bands_ = shrinkingBands(m_, mr, mc_, threads_);
  rowScale_ = AlignedBuffer<float>(std::size_t(m));
  std::copy(rowScale.begin(), rowScale.end(), rowScale_.begin());
  colScale_ = AlignedBuffer<float>(std::size_t(panels_) * nr);
  std::copy(colScale.begin(), colScale.end(), colScale_.begin());
}

std::size_t IntGemm::bytes() const {
  std::size_t buffers = 0;
  for (const auto& b : aPack_) buffers += b.size();
  for (const auto& b : bPanel_) buffers += b.size();
  return a_.size() + b_.size() + buffers + colOffset_.size() * 4 + rowScale_.size() * 4 + colScale_.size() * 4;
}

double IntGemm::extraBytes(int n, IntStorage storage, int threads) {
  // Quantized A and B (padding: at most 63 k and 63 columns), plus each
  // thread's blocks (at most half of L2 and of L1: 2 MiB is ample).
  const double kp = n + 63.0, np = n + 64.0;
  const double perElem = storage == IntStorage::Int4 ? 0.5 : 1.0;
  return perElem * (double(n) * kp + kp * np) + 4.0 * np * 3 + 2.0 * 1024 * 1024 * std::max(1, threads);
}

void IntGemm::packA(int ic, int rows, int pc, int kcb, std::uint8_t* dst) const {
  const int mr = isa_.mr, kq = kcb / 4;
  const std::uint32_t flip = isa_.unsignedA ? 0x80808080u : 0u;  // q + 128, byte by byte
  const auto& lut = int4Lut();
  const std::size_t segBytes = storage_ == IntStorage::Int8 ? std::size_t(kcb) : std::size_t(kcb) / 2;
  auto source = [&](int row) {
    return storage_ == IntStorage::Int8 ? a_.data() + std::size_t(row) * kp_ + pc
                                        : a_.data() + (std::size_t(row) * kp_ + pc) / 2;
  };
  if (isa_.rowMajorA) {
    for (int r = 0; r < (rows + mr - 1) / mr * mr; ++r) {
      std::uint8_t* out = dst + std::size_t(r) * kcb;
      if (r >= rows) {
        std::memset(out, 0, std::size_t(kcb));
      } else if (storage_ == IntStorage::Int8) {
        std::memcpy(out, source(ic + r), std::size_t(kcb));
      } else {
        const std::uint8_t* src = source(ic + r);
        for (int b = 0; b < kcb / 2; ++b) std::memcpy(out + 2 * b, &lut[src[b]], 2);
      }
    }
    return;
  }
  for (int ir = 0; ir < rows; ir += mr) {
    std::uint8_t* panel = dst + std::size_t(ir) * kcb;
    // A's rows are read kc bytes at a time, 1 row apart: the hardware
    // prefetcher sees short streams, and A has often left the caches (the C
    // partial sums stream through them between kc blocks). Ask for the next
    // panel's rows while this one is copied.
    for (int r = 0; r < mr && ir + mr + r < rows; ++r) {
      const std::uint8_t* next = source(ic + ir + mr + r);
      for (std::size_t off = 0; off < segBytes; off += 64) __builtin_prefetch(next + off);
    }
    int q0 = 0;  // groups packed four at a time
#if defined(__SSE2__)
    if (storage_ == IntStorage::Int8 && (mr == 4 || mr == 6) && ir + mr <= rows) {
      const std::uint8_t* src[6];
      for (int r = 0; r < mr; ++r) src[r] = source(ic + ir + r);
      for (; q0 + 4 <= kq; q0 += 4) {
        const std::uint8_t* at[6];
        for (int r = 0; r < mr; ++r) at[r] = src[r] + q0 * 4;
        interleaveFourGroups(at, mr, flip, panel + std::size_t(q0) * mr * 4);
      }
      if (q0 == kq) continue;
    }
#endif
    for (int r = 0; r < mr; ++r) {
      const int row = ic + ir + r;
      std::uint8_t* dst = panel + r * 4;
      if (ir + r >= rows) {
        for (int q = q0; q < kq; ++q) std::memset(dst + std::size_t(q) * mr * 4, 0, 4);
        continue;
      }
      const std::uint8_t* src = source(row);
      if (storage_ == IntStorage::Int8) {
        for (int q = q0; q < kq; ++q) {
          std::uint32_t w;
          std::memcpy(&w, src + q * 4, 4);
          w ^= flip;
          std::memcpy(dst + std::size_t(q) * mr * 4, &w, 4);
        }
      } else {
        for (int q = q0; q < kq; ++q) {
          std::uint32_t w = std::uint32_t(lut[src[2 * q]]) | (std::uint32_t(lut[src[2 * q + 1]]) << 16);
          w ^= flip;
          std::memcpy(dst + std::size_t(q) * mr * 4, &w, 4);
        }
      }
    }
  }
}

void IntGemm::run(float* c, std::size_t ldc) {
  runBands(threads_, arena_, bands_, m_, [&](int row0, int row1, int slot) { runRows(c, ldc, row0, row1, slot); });
}

void IntGemm::runRows(float* c, std::size_t ldc, int row0, int row1, int slot) {
  const int mr = isa_.mr, nr = isa_.nr;
  std::uint8_t* aPack = aPack_[std::size_t(slot)].data();
  std::int8_t* bPanel = storage_ == IntStorage::Int4 ? bPanel_[std::size_t(slot)].data() : nullptr;
  // begin/end bracket this thread's share (the AMX tile config is per thread),
  // also when a cancellation throws out of the loop.
  struct Bracket {
    void (*end)();
    ~Bracket() {
      if (end) end();
    }
  } bracket{isa_.end};
  if (isa_.begin) isa_.begin();
  IntTile t;
  t.ldc = ldc;
  for (int pc = 0; pc < kp_; pc += kc_) {
    const int kcb = std::min(kc_, kp_ - pc);
    t.kq = kcb / 4;
    t.first = pc == 0;
    t.last = pc + kcb == kp_;
    for (int ic = row0; ic < row1; ic += mc_) {
      throwIfCancelled();  // once per mc x kc x n block: a few milliseconds
      const int rows = std::min(mc_, row1 - ic);
      packA(ic, rows, pc, kcb, aPack);
      for (int jp = 0; jp < panels_; ++jp) {
        const int col0 = jp * nr;
        const std::size_t offset = std::size_t(jp) * kp_ * nr + std::size_t(pc) * nr;
        if (storage_ == IntStorage::Int8) {
          t.b = reinterpret_cast<const std::int8_t*>(b_.data()) + offset;
        } else {
          isa_.unpack(b_.data() + offset / 2, std::size_t(kcb) * nr, bPanel);
          t.b = bPanel;
        }
        t.cols = std::min(nr, n_ - col0);
        t.colOffset = colOffset_.data() + col0;
        t.colScale = colScale_.data() + col0;
        for (int ir = 0; ir < rows; ir += mr) {
          t.a = aPack + std::size_t(ir) * kcb;
          t.c = c + std::size_t(ic + ir) * ldc + col0;
          t.rows = std::min(mr, rows - ir);
          t.rowScale = rowScale_.data() + ic + ir;
          isa_.kernel(t);
        }
      }
    }
  }
}

}  // namespace cachescope
