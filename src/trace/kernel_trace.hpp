// Runs a traceable kernel's own loop nest (src/kernels/matmul_loops.hpp) with
// the Traced<Sink> access policy on real, 64-byte aligned buffers, so the
// simulator sees the addresses and the order of the timed kernel.
//
// Element types (--bits):
//   32  fp32 A, B and C.
//   8   int8 A and B, int32 C and accumulator (as an int8 GEMM would).
//   4   int4 A and B stored two per byte: element k of a row is in byte k/2
//       (low nibble for even k, high for odd), rows padded to whole bytes.
//       A load of an int4 element is reported as a 1-byte load of the byte
//       that holds it, so consecutive k share a byte and a line holds 128
//       elements. The arithmetic runs on an unpacked int8 copy of the same
//       values (nibble extraction is register work, not a memory access);
//       C is int32.
// ReLU (relu.naive: fp32, relu.int8: int8) runs its own nest over an n x n
// matrix: per element a load of x and a store of y; A is x and C is y.
// A padded leading dimension (ldPad extra elements per row, --ld-pad) moves
// the rows of a power-of-two matrix apart so a column walk no longer maps to
// a handful of sets: the conflict misses of naive ijk vanish.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/access.hpp"
#include "kernels/kernel.hpp"
#include "kernels/matmul_loops.hpp"
#include "kernels/relu_loops.hpp"
#include "platform/aligned_buffer.hpp"

namespace cachescope::trace {

enum class LoopNest { Naive, Reordered, Blocked, Relu };

struct KernelTraceSpec {
  std::string kernel = "matmul.naive";
  int n = 256;
  int block = 64;  // matmul.blocked only
  int bits = 32;   // 32, 8 or 4
  int ldPad = 0;   // extra elements per row of A, B and C
};

struct TracedKernel {
  KernelTraceSpec spec;
  LoopNest nest = LoopNest::Naive;
  std::string title;      // "Naive ijk"
  std::string traceNote;  // the loads and stores the nest emits
  std::string elementNote;
  std::size_t ld = 0;     // leading dimension of A, B and C in elements

  // Loads + stores of a full run (exact).
  std::uint64_t references() const;
  // Granularity of the outer loop: 1 row, or `block` rows for blocked.
  int rowStep() const { return nest == LoopNest::Blocked ? spec.block : 1; }
  // The blocked nest's tile edge: `block`, at most n (one tile then).
  int tileEdge() const { return spec.block < spec.n ? spec.block : spec.n; }
};

// Checks the kernel id (unknown: "did you mean"; known but not traceable:
// says why) and the parameters. Throws SimulationError.
TracedKernel resolveKernel(const KernelTraceSpec& spec);

namespace detail {

// Reports loads of the unpacked int4 copies as 1-byte loads of the packed
// buffers (see the header comment).
template <class Sink>
struct PackedInt4 {
  Sink& inner;
  std::uintptr_t unpackedA, unpackedB, packedA, packedB;
  std::size_t count;
  [[gnu::always_inline]] void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (address - unpackedA < count)
      inner.access(packedA + (address - unpackedA) / 2, 1, kind);
    else if (address - unpackedB < count)
      inner.access(packedB + (address - unpackedB) / 2, 1, kind);
    else
      inner.access(address, size, kind);
  }
  [[gnu::always_inline]] void point(int i, int j, int k) {
    if constexpr (requires(Sink& s) { s.point(i, j, k); }) inner.point(i, j, k);
  }
};

// The sinks' access() is always_inline: a reference costs the loop nest a
// few stores into the sink's batch; the simulation runs per batch
// (trace/batch_sink.hpp).
template <class TSum, class Acc, class TIn, class TOut>
void runNest(const TracedKernel& k, Acc& acc, const TIn* a, const TIn* b, TOut* c, TIn* tile) {
  const int n = k.spec.n;
  const std::size_t ld = k.ld;
  switch (k.nest) {
    case LoopNest::Naive: matmulNaiveLoop<Acc, TIn, TOut, TSum>(acc, n, a, ld, b, ld, c, ld); break;
    case LoopNest::Reordered: matmulReorderedLoop<Acc, TIn, TOut, TSum>(acc, n, a, ld, b, ld, c, ld); break;
    case LoopNest::Blocked:
      matmulBlockedLoop<Acc, TIn, TOut, TSum>(acc, n, k.tileEdge(), a, ld, b, ld, c, ld, tile);
      break;
    case LoopNest::Relu: break;  // KernelTraceRun::run handles it (one element type in and out)
  }
}

}  // namespace detail

// A typed window into KernelTraceRun's arena (the arena owns the memory).
template <class T>
class ArenaSlice {
 public:
  ArenaSlice() = default;
  ArenaSlice(T* data, std::size_t size) : data_(data), size_(size) {}
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// The buffers of one traced run, allocated and filled up front so that a
// simulation times the loop nest only.
//
// All buffers live in one page-aligned arena, each at a page-aligned offset
// in a fixed order (A, B, C, the tile copy, then the unpacked int4 copies
// that the trace never reports). The set a line maps to depends on its
// address, so with separate heap allocations the counts would depend on
// where malloc happened to put each matrix (a different answer in the GUI
// than on the command line, or after other allocations). With one arena the
// matrices keep the same distances whatever the base, and moving all of
// them together only renames the sets: every run counts the same.
class KernelTraceRun {
 public:
  explicit KernelTraceRun(const TracedKernel& kernel);

  // Runs the whole loop nest once; every load and store goes to `sink`
  // (sink.access(address, size, AccessKind), optional sink.point(i, j, k)).
  template <class Sink>
  void run(Sink& sink) {
    const TracedKernel& k = kernel_;
    if (k.nest == LoopNest::Relu) {
      Traced<Sink> acc(sink);
      if (k.spec.bits == 32)
        reluLoop(acc, k.spec.n, k.spec.n, fa_.data(), k.ld, fc_.data(), k.ld);
      else
        reluLoop(acc, k.spec.n, k.spec.n, ia_.data(), k.ld, ib_.data(), k.ld);
      return;
    }
    switch (k.spec.bits) {
      case 32: {
        Traced<Sink> acc(sink);
        detail::runNest<float>(k, acc, fa_.data(), fb_.data(), fc_.data(), ft_.data());
        break;
      }
      case 8: {
        Traced<Sink> acc(sink);
        detail::runNest<std::int32_t>(k, acc, ia_.data(), ib_.data(), ic_.data(), it_.data());
        break;
      }
      default: {
        detail::PackedInt4<Sink> remap{sink,
                                       reinterpret_cast<std::uintptr_t>(ia_.data()),
                                       reinterpret_cast<std::uintptr_t>(ib_.data()),
                                       reinterpret_cast<std::uintptr_t>(pa_.data()),
                                       reinterpret_cast<std::uintptr_t>(pb_.data()),
                                       ia_.size()};
        Traced<detail::PackedInt4<Sink>> acc(remap);
        detail::runNest<std::int32_t>(k, acc, ia_.data(), ib_.data(), ic_.data(), it_.data());
        break;
      }
    }
  }

  const TracedKernel& kernel() const { return kernel_; }
  // Base addresses of A, B and C as the trace reports them (page aligned).
  std::uintptr_t addressA() const;
  std::uintptr_t addressB() const;
  std::uintptr_t addressC() const;
  // The blocked nest's copy of the B tile (tileEdge()^2 elements); 0 for
  // the other nests.
  std::uintptr_t addressTile() const;

 private:
  struct FreeArena {
    void operator()(unsigned char* p) const;
  };
  TracedKernel kernel_;
  std::unique_ptr<unsigned char, FreeArena> arena_;
  ArenaSlice<float> fa_, fb_, fc_;
  ArenaSlice<std::int8_t> ia_, ib_;  // int8, or the unpacked int4 values
  ArenaSlice<std::uint8_t> pa_, pb_;  // int4, packed two per byte
  ArenaSlice<std::int32_t> ic_;
  ArenaSlice<float> ft_;             // the blocked nest's B-tile copy
  ArenaSlice<std::int8_t> it_;
};

}  // namespace cachescope::trace
