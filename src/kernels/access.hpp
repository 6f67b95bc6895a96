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
//   acc.poll(n);          // n more inner iterations done: a cancellation point
//
// `Direct` compiles to the plain loop (the timed run). `Traced<Sink>` reports
// each load and store (address, size, read/write) to a sink: the cache
// simulator, or a recorder for the animation. Both run the same instructions
// in the same order, so hit rates and animation show what the timed kernel
// does.
//
// Cancellation: `Direct::poll(work)` counts the inner iterations a nest
// reports and, every kPollWork of them, reads the cancel flag
// (platform/cancel.hpp), throwing Cancelled when it is set. A nest calls it
// once per middle-loop iteration or per tile row, so a stop lands within a
// few hundred microseconds however large n or the tile is, and the flag is
// read rarely enough to cost nothing measurable. A traced run passes poll()
// on to its sink when the sink has one (the simulator stops at its own
// checks in consume() and onOuter()).
#pragma once

#include <cstdint>

#include "platform/cancel.hpp"

namespace cachescope {

enum class AccessKind : std::uint8_t { Read, Write };

// The plain, untraced policy: zero overhead after inlining.
struct Direct {
  // Inner iterations between two reads of the cancel flag: about 0.1 ms in
  // the slowest nest (a cache miss per iteration), a few microseconds in a
  // fast one.
  static constexpr std::int64_t kPollWork = std::int64_t(1) << 15;
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
  void poll(std::int64_t work) {
    budget_ -= work;
    if (budget_ <= 0) [[unlikely]] {
      budget_ = kPollWork;
      throwIfCancelled();
    }
  }

 private:
  std::int64_t budget_ = 0;  // the first poll reads the flag: a run cancelled before it starts stops at once
};

// A sink has: void access(std::uint64_t address, std::uint32_t size, AccessKind kind);
// and optionally point(i, j, k), line(l), outer(o) and poll(work) (see trace_sink.hpp,
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
  [[gnu::always_inline]] void poll(std::int64_t work) {
    if constexpr (requires(Sink& s) { s.poll(work); }) sink_.poll(work);
  }

  Sink& sink() { return sink_; }

 private:
  Sink& sink_;
};

// The same references as Traced<Sink>, in the same order, without reading
// or writing the buffers: a load returns T{} and a store is only reported.
// For a counting simulation of a nest whose addresses and control flow do
// not depend on the values it loads (every dense matmul nest): the
// arithmetic then folds away, and what is left is the address stream.
// (TraceRun::runAddresses; tests/kernels compares both streams.)
template <class Sink>
class AddressesOnly : public Traced<Sink> {
 public:
  using Traced<Sink>::Traced;
  template <class T>
  [[gnu::always_inline]] T load(const T* p) {
    this->sink().access(reinterpret_cast<std::uintptr_t>(p), sizeof(T), AccessKind::Read);
    return T{};
  }
  template <class T, class V>
  [[gnu::always_inline]] void store(T* p, V) {
    this->sink().access(reinterpret_cast<std::uintptr_t>(p), sizeof(T), AccessKind::Write);
  }
};

}  // namespace cachescope
