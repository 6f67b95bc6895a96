// The kernel registry: every kernel, in ladder order. Registration is
// explicit (registry.cpp) rather than by static initializers, which a static
// library would drop.
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel.hpp"

namespace cachescope {

const std::vector<Kernel>& kernels();

// nullptr when the id is unknown.
const Kernel* findKernel(const std::string& id);

// The registered id closest to `id` (edit distance), for "did you mean".
std::string nearestKernelId(const std::string& id);

}  // namespace cachescope
