// The kernel registry: every kernel, in ladder order. Registration is
// explicit (registry.cpp) rather than by static initializers, which a static
// library would drop.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kernels/kernel.hpp"

namespace cachescope {

const std::vector<Kernel>& kernels();

// Adds a kernel described at run time (a student's kernel loaded by
// src/userkernels) after the built-in ones: it is then listed, found and run
// like them. Its id must be new (std::invalid_argument otherwise). Call it
// from the thread that starts jobs, while none runs: registration never moves
// a registered Kernel (pointers from findKernel stay valid), but a reader
// iterating kernels() on another thread at that moment would race. At most
// kMaxRuntimeKernels are taken (std::length_error beyond).
inline constexpr std::size_t kMaxRuntimeKernels = 64;
const Kernel& registerKernel(Kernel kernel);

// How many of kernels() are the built-in ones (the first); the rest were
// registered at run time.
std::size_t builtinKernelCount();

// nullptr when the id is unknown.
const Kernel* findKernel(const std::string& id);

// The kernels the faces start with or compare, named here (registry.cpp) so
// that no face spells a kernel id. Every id in it is registered.
struct KernelRoles {
  std::vector<std::string> selection;    // the GUI's first selection (naive, blocked, the library)
  std::string baseline;                  // speedups are measured against it
  std::string library;                   // the tuned library every rate is compared with (% of it)
  std::vector<std::string> comparePair;  // Cache and Access views: the two kernels compared at first
  std::string blockSweep;                // the Cache view's hit rate against block size
  std::string threads;                   // the Threads view: a run with its tiles recorded
  std::vector<std::string> roofline;     // `roofline`'s default kernels
  std::string dispatcher;                // the kernel that picks another by a dispatch table (tune)
  // The precision control: bits -> the kernel that runs matmul at that width.
  std::vector<std::pair<int, std::string>> precision;
  // The kernel of that width, "" none.
  std::string precisionKernel(int bits) const;
};
const KernelRoles& kernelRoles();

// The registered id closest to `id` (edit distance), for "did you mean".
std::string nearestKernelId(const std::string& id);

}  // namespace cachescope
