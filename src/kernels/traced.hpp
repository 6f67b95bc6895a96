// The traced half of a kernel's one description (shared/design.md: "one
// description per kernel, one loop nest, two uses").
//
// A traceable kernel's file writes its loop nest once over an access policy
// (access.hpp) and registers, next to how to run it, a TraceDescription:
// how to set up the nest's buffers for a shape and run it under
// Traced<TraceSink>, its exact reference count, the code text the Access view
// shows (the nest's own line(l) marks index it), and what its trace holds.
// The simulator (src/trace), the animation recorder (src/engine) and the
// views ask for this; none of them knows a kernel by name.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/trace_sink.hpp"

namespace cachescope {

// What a traced run is for. Fields a kernel does not use are ignored.
struct TraceShape {
  int n = 256;
  int block = 64;        // tile edge (blocked), at most n
  int bits = 32;         // element width: 32 (fp32), 8 (int8, int32 C), 4 (int4 packed two per byte)
  int ldPad = 0;         // extra elements per row of the n x n matrices
  double density = 1.0;  // share of A kept (sparse)
};

// A buffer the nest reads or writes, as the animation draws it: `rows` x
// `cols` elements of `elementBytes`, row-major with `ld` elements per row in
// memory. The first three of a matmul are A, B, C; further ones (a tile
// copy, packed panels, CSR arrays) are drawn beside them.
struct TraceBuffer {
  std::string name;     // "A", "B", "C", "T", "Ap", "values"
  std::string caption;  // "C = A x B", "T: the B tile copy"
  std::uintptr_t base = 0;
  int rows = 0, cols = 0;
  std::size_t ld = 0;
  std::uint32_t elementBytes = 4;
  std::size_t bytes() const { return std::size_t(rows ? rows - 1 : 0) * ld * elementBytes + std::size_t(cols) * elementBytes; }
};

inline TraceBuffer traceBuffer(std::string name, std::string caption, const void* base, int rows, int cols,
                               std::size_t ld, std::uint32_t elementBytes) {
  return {std::move(name), std::move(caption), reinterpret_cast<std::uintptr_t>(base), rows, cols, ld, elementBytes};
}

// One traced run's buffers, allocated and filled up front so that a
// simulation times the loop nest only.
class TraceRun {
 public:
  virtual ~TraceRun() = default;
  // Runs the whole loop nest once; every load and store goes to `sink`.
  virtual void run(TraceSink& sink) = 0;
  // The same references to `sink`, in the same order, where the nest may
  // skip reading and writing the buffers (AddressesOnly in access.hpp): for
  // a count that needs the addresses only. By default run() itself.
  virtual void runAddresses(TraceSink& sink) { run(sink); }
  // The buffers the trace touches (and nothing else), with their addresses.
  const std::vector<TraceBuffer>& buffers() const { return buffers_; }

 protected:
  std::vector<TraceBuffer> buffers_;
};

struct TraceDescription {
  // Which loads and stores the nest emits, in words.
  std::string note;
  // When the traced nest is not the timed code itself (a portable version of
  // a SIMD kernel): what differs. Shown beside every result.
  std::string caveat;
  // The loop nest as the Access view shows it; line(l) marks index it.
  std::vector<std::string> code;
  // Element widths it can trace (TraceShape::bits); the first is its own.
  std::vector<int> bits = {32};
  bool usesBlock = false, usesDensity = false;
  // Element types in words for these bits ("fp32 A, B, C (4 bytes each)").
  std::function<std::string(const TraceShape&)> elements;
  // Loads + stores of a full run (exact).
  std::function<std::uint64_t(const TraceShape&)> references;
  // Iterations of the outermost loop (the outer(o) marks): the unit a
  // sampled simulation measures a share of.
  std::function<int(const TraceShape&)> outerCount;
  // Bytes the run's buffers take (checked against memory before allocating).
  std::function<double(const TraceShape&)> bytes;
  // Allocates and fills the buffers for `shape` (already validated).
  std::function<std::unique_ptr<TraceRun>(const TraceShape&)> prepare;
};

}  // namespace cachescope
