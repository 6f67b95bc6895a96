// Access policies: "one loop nest, two uses" (shared/design.md section 2).
//
// A traceable kernel writes its loop nest once, as a template over an access
// policy `Acc`, and performs every memory access of interest through it:
//
//   sum += acc.load(&A[i * lda + k]) * acc.load(&B[k * ldb + j]);
//   acc.store(&C[i * ldc + j], sum);
//   acc.outer(i);         // iteration i of the outermost loop starts
//   acc.point(i, j, k);   // an inner iteration starts (the animation)
//   acc.line(kUpdate);    // the next accesses belong to this code line
//
// `Direct` compiles to the plain loop (the timed run). `Traced<Sink>` reports
// each load and store (address, size, read/write) to a sink: the cache
// simulator, or a recorder for the animation. Both run the same instructions
// in the same order, so hit rates and animation show what the timed kernel
// does.
#pragma once

#include <cstdint>

namespace cachescope {

enum class AccessKind : std::uint8_t { Read, Write };

// The plain, untraced policy: zero overhead after inlining.
struct Direct {
  template <class T>
  static T load(const T* p) {
    return *p;
  }
  template <class T, class V>
  static void store(T* p, V v) {
    *p = static_cast<T>(v);
  }
  static void point(int, int, int) {}
  static void line(int) {}
  static void outer(int) {}
};

// A sink has: void access(std::uint64_t address, std::uint32_t size, AccessKind kind);
// and optionally point(i, j, k), line(l) and outer(o) (see trace_sink.hpp,
// the sink the registry's nests are compiled for).
// load/store are always_inline so that the sink's access() lands inside the
// loop nest instead of behind a call per reference.
template <class Sink>
class Traced {
 public:
  explicit Traced(Sink& sink) : sink_(sink) {}

  template <class T>
  [[gnu::always_inline]] T load(const T* p) {
    sink_.access(reinterpret_cast<std::uintptr_t>(p), sizeof(T), AccessKind::Read);
    return *p;
  }
  template <class T, class V>
  [[gnu::always_inline]] void store(T* p, V v) {
    sink_.access(reinterpret_cast<std::uintptr_t>(p), sizeof(T), AccessKind::Write);
    *p = static_cast<T>(v);
  }
  [[gnu::always_inline]] void point(int i, int j, int k) {
    if constexpr (requires(Sink& s) { s.point(i, j, k); }) sink_.point(i, j, k);
  }
  [[gnu::always_inline]] void line(int l) {
    if constexpr (requires(Sink& s) { s.line(l); }) sink_.line(l);
  }
  [[gnu::always_inline]] void outer(int o) {
    if constexpr (requires(Sink& s) { s.outer(o); }) sink_.outer(o);
  }

  Sink& sink() { return sink_; }

 private:
  Sink& sink_;
};

}  // namespace cachescope
