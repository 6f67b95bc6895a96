#include "trace/kernel_trace.hpp"

#include <algorithm>

#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "trace/errors.hpp"

namespace cachescope::trace {

std::string traceableKernelList() {
  std::string list;
  for (const Kernel& k : kernels())
    if (k.traceable()) list += (list.empty() ? "" : ", ") + k.info.id;
  return list;
}

namespace {
std::string bitsList(const std::vector<int>& bits) {
  std::string s;
  for (int b : bits) s += (s.empty() ? "" : ", ") + std::to_string(b);
  return s;
}
}  // namespace

TracedKernel resolveKernel(const KernelTraceSpec& spec) {
  const Kernel* kernel = findKernel(spec.kernel);
  if (!kernel)
    throw SimulationError("unknown kernel '" + spec.kernel + "' (did you mean '" + nearestKernelId(spec.kernel) +
                          "'?)");
  if (!kernel->traceable())
    throw SimulationError("kernel '" + spec.kernel + "' cannot be traced" +
                          (kernel->info.traceNote.empty() ? std::string() : ": " + kernel->info.traceNote) +
                          " (traceable: " + traceableKernelList() + ")");
  const TraceDescription& d = *kernel->trace;
  if (spec.n < 1) throw SimulationError("--n must be > 0");
  if (spec.n > 16384) throw SimulationError("--n must be <= 16384 for a simulation");
  if (d.usesBlock && spec.block < 1) throw SimulationError("--block must be > 0");
  if (spec.ldPad < 0 || spec.ldPad > 4096) throw SimulationError("--ld-pad must be in 0..4096");
  if (d.usesDensity && !(spec.density > 0.0 && spec.density <= 1.0))
    throw SimulationError("--density must be in (0, 1]");
  if (spec.bits != 32 && spec.bits != 8 && spec.bits != 4) throw SimulationError("--bits must be 32, 8 or 4");
  TracedKernel k;
  k.spec = spec;
  k.kernel = kernel;
  // 32 is the default, so a kernel that traces only its own width (int8
  // ReLU) takes it as "not given".
  if (std::find(d.bits.begin(), d.bits.end(), spec.bits) == d.bits.end()) {
    if (spec.bits == 32 && d.bits.size() == 1)
      k.spec.bits = d.bits.front();
    else
      throw SimulationError(spec.kernel + " traces --bits " + bitsList(d.bits) + "; --bits " +
                            std::to_string(spec.bits) + " does not apply");
  }
  k.spec.block = std::max(1, std::min(spec.block, spec.n));
  k.shape = {k.spec.n, k.spec.block, k.spec.bits, k.spec.ldPad, k.spec.density};
  k.title = kernel->info.title;
  k.traceNote = d.note;
  k.caveat = d.caveat;
  k.elementNote = d.elements(k.shape);
  const double need = d.bytes(k.shape);
  const std::uint64_t avail = availableMemoryBytes();
  if (!fitsMemoryBudget(need, avail))
    throw SimulationError("n = " + std::to_string(spec.n) + " needs " + formatBytes(std::uint64_t(need)) +
                          " of buffers, more than available");
  return k;
}

}  // namespace cachescope::trace
