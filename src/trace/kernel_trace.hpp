// Which kernel a simulation traces, checked against the registry: the
// kernel's own TraceDescription (src/kernels/traced.hpp) says what it can
// trace, how many references a run makes and how to set up its buffers.
// Nothing here knows a kernel by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/kernel.hpp"
#include "kernels/matmul_trace.hpp"

namespace cachescope::trace {

struct KernelTraceSpec {
  std::string kernel;    // a registered id (kernelRoles() names the usual ones)
  int n = 256;
  int block = 64;        // kernels whose trace uses a block
  int bits = 32;         // 32, 8 or 4 where the kernel traces them; 32 also means "the kernel's own"
  int ldPad = 0;         // extra elements per row of the matrices
  double density = 1.0;  // kernels whose trace uses a density
};

struct TracedKernel {
  KernelTraceSpec spec;          // as resolved (bits: the width traced; block: at most n)
  const Kernel* kernel = nullptr;
  TraceShape shape;
  std::string title;             // "Naive ijk"
  std::string traceNote;         // the loads and stores the nest emits
  std::string caveat;            // where the traced nest differs from the timed code ("" none)
  std::string elementNote;       // element types in words

  const TraceDescription& description() const { return *kernel->trace; }
  // Loads + stores of a full run (exact).
  std::uint64_t references() const { return description().references(shape); }
  // Iterations of the nest's outermost loop (the unit of --sample).
  int outerCount() const { return description().outerCount(shape); }
  // Leading dimension of the n x n matrices, in elements (n + pad, even for int4).
  std::size_t ld() const { return matmulTraceLd(shape); }
  // Allocates and fills the buffers of one run.
  std::unique_ptr<TraceRun> prepare() const { return description().prepare(shape); }
};

// Checks the kernel id (unknown: "did you mean"; known but not traceable:
// says why) and the parameters against the kernel's description, and that
// its buffers fit in memory. Throws SimulationError.
TracedKernel resolveKernel(const KernelTraceSpec& spec);

// Ids of the registered kernels that can be traced, comma separated, for messages.
std::string traceableKernelList();

}  // namespace cachescope::trace
