// Tracing support for the dense n x n matmul nests: the buffers A, B, C
// (and an optional extra buffer, such as the blocked nest's tile copy) in the
// element types of --bits, and the one template that runs a nest under
// Traced<TraceSink> for each of them. A kernel file gives its nest as a
// generic callable and gets a TraceDescription:
//
//   k.trace = matmulTrace(info, [](auto& acc, auto sum, const MatmulTraceArgs<...>& m) { ... });
//
// Element types (bits):
//   32  fp32 A, B and C.
//   8   int8 A and B, int32 C and accumulator (as an int8 GEMM would).
//   4   int4 A and B stored two per byte: element k of a row is in byte k/2
//       (low nibble for even k, high for odd), rows padded to whole bytes.
//       A load of an int4 element is reported as a 1-byte load of the byte
//       that holds it, so consecutive k share a byte and a line holds 128
//       elements. The arithmetic runs on an unpacked int8 copy of the same
//       values (nibble extraction is register work, not a memory access);
//       C is int32.
// A padded leading dimension (ldPad extra elements per row) moves the rows
// of a power-of-two matrix apart so a column walk no longer maps to a
// handful of sets: the conflict misses of naive ijk vanish.
//
// All buffers live in one page-aligned arena, each at a page-aligned offset
// in a fixed order (A, B, C, the extra buffer, then the unpacked int4 copies
// that the trace never reports). The set a line maps to depends on its
// address, so with separate heap allocations the counts would depend on
// where malloc happened to put each matrix (a different answer in the GUI
// than on the command line). With one arena the matrices keep the same
// distances whatever the base, and moving all of them together only renames
// the sets: every run counts the same.
#pragma once

#include <cstddef>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/access.hpp"
#include "kernels/traced.hpp"

namespace cachescope {

// One page-aligned, zeroed allocation handed out in page-aligned slices, in
// call order (see above).
class TraceArena {
 public:
  // Reserves `bytes`; returns the slice's offset.
  std::size_t reserve(std::size_t bytes);
  // Allocates the whole arena (throws std::bad_alloc).
  void allocate();
  template <class T>
  T* at(std::size_t offset) {
    return reinterpret_cast<T*>(base_.get() + offset);
  }

 private:
  struct Free {
    void operator()(unsigned char* p) const;
  };
  std::unique_ptr<unsigned char, Free> base_;
  std::size_t size_ = 0;
};

// What a matmul nest gets: the operands and the shape.
template <class TIn, class TOut>
struct MatmulTraceArgs {
  int n = 0;
  int block = 0;  // the shape's block, clamped to [1, n]
  const TIn* a = nullptr;
  const TIn* b = nullptr;
  TOut* c = nullptr;
  std::size_t ld = 0;  // of A, B and C
  // The extra buffers (MatmulTraceInfo::extras), of the input element type.
  std::array<TIn*, 4> extra{};
};

// What a dense matmul kernel says about its traced nest.
struct MatmulTraceInfo {
  std::string note;
  std::string caveat;
  std::vector<std::string> code;
  std::vector<int> bits = {32, 8, 4};
  bool usesBlock = false;
  std::function<std::uint64_t(const TraceShape&)> references;
  std::function<int(const TraceShape&)> outerCount;  // default: n
  // Buffers beyond A, B, C of the input element type (a tile copy, packed
  // panels), drawn rows x cols; at most four.
  struct Extra {
    std::string name, caption;
    std::function<int(const TraceShape&)> rows, cols;
  };
  std::vector<Extra> extras;
};

// Leading dimension of the traced matrices for a shape (n + pad, even for int4).
std::size_t matmulTraceLd(const TraceShape& shape);

namespace detail {

// Reports loads of the unpacked int4 copies as 1-byte loads of the packed
// bytes (see the header comment); everything else passes through.
struct PackedInt4Sink {
  TraceSink& inner;
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
  [[gnu::always_inline]] void point(int i, int j, int k) { inner.point(i, j, k); }
  [[gnu::always_inline]] void line(int l) { inner.line(l); }
  [[gnu::always_inline]] void outer(int o) { inner.outer(o); }
};

// The arena of one traced matmul: fills A and B with small deterministic
// values of each element type and describes the buffers.
class MatmulTraceBuffers {
 public:
  MatmulTraceBuffers(const TraceShape& shape, const MatmulTraceInfo& info);
  TraceShape shape;
  std::size_t ld = 0, count = 0;
  std::array<int, 4> extraRows{}, extraCols{};
  float *fa = nullptr, *fb = nullptr, *fc = nullptr;
  std::array<float*, 4> ft{};
  std::array<std::int8_t*, 4> it{};
  std::int8_t *ia = nullptr, *ib = nullptr;  // int8, or the unpacked int4 values
  std::uint8_t *pa = nullptr, *pb = nullptr;                 // int4, packed two per byte
  std::int32_t* ic = nullptr;
  std::vector<TraceBuffer> describe(const MatmulTraceInfo& info) const;

 private:
  TraceArena arena_;
};

template <class Nest>
class MatmulTraceRun final : public TraceRun {
 public:
  MatmulTraceRun(const TraceShape& shape, const MatmulTraceInfo& info, Nest nest)
      : m_(shape, info), nest_(nest) {
    buffers_ = m_.describe(info);
  }
  void run(TraceSink& sink) override { runWith<Traced>(sink); }
  // A dense nest's addresses never depend on the values it loads.
  void runAddresses(TraceSink& sink) override { runWith<AddressesOnly>(sink); }

 private:
  template <template <class> class Policy>
  void runWith(TraceSink& sink) {
    const int n = m_.shape.n, block = std::max(1, std::min(m_.shape.block, n));
    switch (m_.shape.bits) {
      case 32: {
        Policy<TraceSink> acc(sink);
        nest_(acc, float{}, MatmulTraceArgs<float, float>{n, block, m_.fa, m_.fb, m_.fc, m_.ld, m_.ft});
        break;
      }
      case 8: {
        Policy<TraceSink> acc(sink);
        nest_(acc, std::int32_t{},
              MatmulTraceArgs<std::int8_t, std::int32_t>{n, block, m_.ia, m_.ib, m_.ic, m_.ld, m_.it});
        break;
      }
      default: {
        detail::PackedInt4Sink remap{sink,
                                     reinterpret_cast<std::uintptr_t>(m_.ia),
                                     reinterpret_cast<std::uintptr_t>(m_.ib),
                                     reinterpret_cast<std::uintptr_t>(m_.pa),
                                     reinterpret_cast<std::uintptr_t>(m_.pb),
                                     m_.count};
        Policy<detail::PackedInt4Sink> acc(remap);
        nest_(acc, std::int32_t{},
              MatmulTraceArgs<std::int8_t, std::int32_t>{n, block, m_.ia, m_.ib, m_.ic, m_.ld, m_.it});
        break;
      }
    }
  }

  MatmulTraceBuffers m_;
  Nest nest_;
};

TraceDescription matmulTraceDescription(const MatmulTraceInfo& info);

}  // namespace detail

// The description of a dense matmul nest: `nest(acc, TSum{}, args)` is
// called with Traced<TraceSink> or AddressesOnly<TraceSink> (either over the
// int4 remapping sink too) and MatmulTraceArgs of each element type of
// `info.bits`. Its addresses and branches must not depend on loaded values.
template <class Nest>
TraceDescription matmulTrace(MatmulTraceInfo info, Nest nest) {
  TraceDescription d = detail::matmulTraceDescription(info);
  d.prepare = [info, nest](const TraceShape& shape) -> std::unique_ptr<TraceRun> {
    return std::make_unique<detail::MatmulTraceRun<Nest>>(shape, info, nest);
  };
  return d;
}

}  // namespace cachescope
