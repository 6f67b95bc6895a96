#include "trace/kernel_trace.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <vector>

#include "kernels/registry.hpp"
#include "trace/errors.hpp"

namespace cachescope::trace {

std::uint64_t TracedKernel::references() const {
  const std::uint64_t n = std::uint64_t(spec.n);
  switch (nest) {
    case LoopNest::Naive: return 2 * n * n * n + n * n;
    case LoopNest::Reordered: return 3 * n * n * n + 2 * n * n;
    case LoopNest::Relu: return 2 * n * n;
    case LoopNest::Blocked: {
      // Zeroing C; per (ii, jj, kk) a copy of the B tile (load + store);
      // A: one load per (i, k) per jj tile; per (i, j) and group of four k:
      // load C, four loads of the tile, store C (6); leftover k: 3 each.
      const std::uint64_t bs = std::uint64_t(tileEdge());
      const std::uint64_t tiles = (n + bs - 1) / bs;
      std::uint64_t perRowAndColumn = 0;
      for (std::uint64_t kk = 0; kk < n; kk += bs) {
        const std::uint64_t kb = std::min(bs, n - kk);
        perRowAndColumn += 6 * (kb / 4) + 3 * (kb % 4);
      }
      return n * n + 2 * tiles * n * n + tiles * n * n + n * n * perRowAndColumn;
    }
  }
  return 0;
}

TracedKernel resolveKernel(const KernelTraceSpec& spec) {
  const Kernel* kernel = findKernel(spec.kernel);
  if (!kernel)
    throw SimulationError("unknown kernel '" + spec.kernel + "' (did you mean '" + nearestKernelId(spec.kernel) +
                          "'?)");
  TracedKernel k;
  k.spec = spec;
  k.title = kernel->info.title;
  k.traceNote = kernel->info.traceNote;
  if (spec.kernel == "matmul.naive")
    k.nest = LoopNest::Naive;
  else if (spec.kernel == "matmul.reordered")
    k.nest = LoopNest::Reordered;
  else if (spec.kernel == "matmul.blocked")
    k.nest = LoopNest::Blocked;
  else if (spec.kernel == "relu.naive" || spec.kernel == "relu.int8") {
    // Each traces its real element type; --bits cannot change it (32 is the
    // default, so relu.int8 takes it as "not given").
    k.nest = LoopNest::Relu;
    const int own = spec.kernel == "relu.int8" ? 8 : 32;
    if (spec.bits != own && !(own == 8 && spec.bits == 32))
      throw SimulationError(spec.kernel + " traces " + (own == 8 ? "int8" : "fp32") + " elements; --bits " +
                            std::to_string(spec.bits) + " does not apply (relu.naive: fp32, relu.int8: int8)");
    k.spec.bits = own;
  } else if (!kernel->info.traceable)
    throw SimulationError("kernel '" + spec.kernel + "' cannot be traced" +
                          (kernel->info.traceNote.empty() ? std::string() : ": " + kernel->info.traceNote) +
                          " (traceable: matmul.naive, matmul.reordered, matmul.blocked, relu.naive, relu.int8)");
  else
    throw SimulationError("kernel '" + spec.kernel + "' has no trace runner in src/trace yet " +
                          "(traceable: matmul.naive, matmul.reordered, matmul.blocked, relu.naive, relu.int8)");
  if (spec.n < 1) throw SimulationError("--n must be > 0");
  if (spec.n > 16384) throw SimulationError("--n must be <= 16384 for a simulation");
  if (k.nest == LoopNest::Blocked && spec.block < 1) throw SimulationError("--block must be > 0");
  if (spec.ldPad < 0 || spec.ldPad > 4096) throw SimulationError("--ld-pad must be in 0..4096");
  if (spec.bits != 32 && spec.bits != 8 && spec.bits != 4) throw SimulationError("--bits must be 32, 8 or 4");
  k.ld = std::size_t(spec.n) + std::size_t(spec.ldPad);
  if (k.nest == LoopNest::Relu) {
    k.elementNote = k.spec.bits == 32 ? "fp32 x and y (4 bytes each)" : "int8 x and y (1 byte each)";
    return k;
  }
  switch (spec.bits) {
    case 32: k.elementNote = "fp32 A, B, C (4 bytes each)"; break;
    case 8: k.elementNote = "int8 A, B (1 byte), int32 C"; break;
    default:
      k.ld += k.ld % 2;  // rows of whole bytes
      k.elementNote = "int4 A, B packed two per byte (a load reads the byte holding the element), int32 C";
      break;
  }
  return k;
}

namespace {
// Deterministic small values: the trace depends on addresses only, but the
// loop nest still computes real products.
template <class T>
void fillPattern(T* p, std::size_t count, int modulo, int offset) {
  for (std::size_t i = 0; i < count; ++i) p[i] = static_cast<T>(int((i * 7 + 3) % std::size_t(modulo)) - offset);
}
}  // namespace

void KernelTraceRun::FreeArena::operator()(unsigned char* p) const { std::free(p); }

namespace {

constexpr std::size_t kPage = 4096;

std::size_t pageRound(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

// Hands out page-aligned, zeroed slices of one allocation, in call order.
class ArenaPlan {
 public:
  template <class T>
  void add(ArenaSlice<T>& slice, std::size_t count) {
    slots_.push_back({offset_, [&slice, count](unsigned char* base, std::size_t at) {
                        slice = ArenaSlice<T>(reinterpret_cast<T*>(base + at), count);
                      }});
    offset_ += pageRound(std::max<std::size_t>(1, count * sizeof(T)));
  }
  unsigned char* allocate() {
    void* p = std::aligned_alloc(kPage, std::max(offset_, kPage));
    if (!p) throw std::bad_alloc();
    std::memset(p, 0, std::max(offset_, kPage));
    auto* base = static_cast<unsigned char*>(p);
    for (const Slot& s : slots_) s.bind(base, s.offset);
    return base;
  }

 private:
  struct Slot {
    std::size_t offset;
    std::function<void(unsigned char*, std::size_t)> bind;
  };
  std::vector<Slot> slots_;
  std::size_t offset_ = 0;
};

}  // namespace

KernelTraceRun::KernelTraceRun(const TracedKernel& k) : kernel_(k) {
  const std::size_t count = std::size_t(k.spec.n) * k.ld;
  const std::size_t tile = k.nest == LoopNest::Blocked ? std::size_t(k.tileEdge()) * k.tileEdge() : 0;
  ArenaPlan plan;
  if (k.nest == LoopNest::Relu) {  // x in the A slot, y in the C slot (int8: the B slot)
    if (k.spec.bits == 32) {
      plan.add(fa_, count);
      plan.add(fc_, count);
    } else {
      plan.add(ia_, count);
      plan.add(ib_, count);
    }
    arena_.reset(plan.allocate());
    for (std::size_t i = 0; i < count; ++i) {
      if (k.spec.bits == 32) fa_[i] = float(int(i % 17) - 8) / 8.0f;  // both signs: ReLU has work to do
    }
    if (k.spec.bits == 8) fillPattern(ia_.data(), count, 255, 127);
    return;
  }
  switch (k.spec.bits) {
    case 32:
      plan.add(fa_, count);
      plan.add(fb_, count);
      plan.add(fc_, count);
      if (tile) plan.add(ft_, tile);
      break;
    case 8:
      plan.add(ia_, count);
      plan.add(ib_, count);
      plan.add(ic_, count);
      if (tile) plan.add(it_, tile);
      break;
    default:
      plan.add(pa_, count / 2);
      plan.add(pb_, count / 2);
      plan.add(ic_, count);
      if (tile) plan.add(it_, tile);
      plan.add(ia_, count);
      plan.add(ib_, count);
      break;
  }
  arena_.reset(plan.allocate());
  switch (k.spec.bits) {
    case 32:
      for (std::size_t i = 0; i < count; ++i) {
        fa_[i] = float(int(i % 17) - 8) / 8.0f;
        fb_[i] = float(int(i % 13) - 6) / 8.0f;
      }
      break;
    case 8:
      fillPattern(ia_.data(), count, 255, 127);
      fillPattern(ib_.data(), count, 253, 126);
      break;
    default:
      fillPattern(ia_.data(), count, 16, 8);
      fillPattern(ib_.data(), count, 15, 7);
      for (std::size_t i = 0; i < count; i += 2) {
        pa_[i / 2] = std::uint8_t((ia_[i] & 0xf) | (ia_[i + 1] & 0xf) << 4);
        pb_[i / 2] = std::uint8_t((ib_[i] & 0xf) | (ib_[i + 1] & 0xf) << 4);
      }
      break;
  }
}

std::uintptr_t KernelTraceRun::addressA() const {
  switch (kernel_.spec.bits) {
    case 32: return reinterpret_cast<std::uintptr_t>(fa_.data());
    case 8: return reinterpret_cast<std::uintptr_t>(ia_.data());
    default: return reinterpret_cast<std::uintptr_t>(pa_.data());
  }
}

std::uintptr_t KernelTraceRun::addressB() const {
  switch (kernel_.spec.bits) {
    case 32: return reinterpret_cast<std::uintptr_t>(fb_.data());
    case 8: return reinterpret_cast<std::uintptr_t>(ib_.data());
    default: return reinterpret_cast<std::uintptr_t>(pb_.data());
  }
}

std::uintptr_t KernelTraceRun::addressC() const {
  if (kernel_.nest == LoopNest::Relu && kernel_.spec.bits == 8) return reinterpret_cast<std::uintptr_t>(ib_.data());
  return kernel_.spec.bits == 32 ? reinterpret_cast<std::uintptr_t>(fc_.data())
                                 : reinterpret_cast<std::uintptr_t>(ic_.data());
}

std::uintptr_t KernelTraceRun::addressTile() const {
  return kernel_.spec.bits == 32 ? reinterpret_cast<std::uintptr_t>(ft_.data())
                                 : reinterpret_cast<std::uintptr_t>(it_.data());
}

}  // namespace cachescope::trace
