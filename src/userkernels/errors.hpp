// The user-kernel module's errors, in the one vocabulary (platform/errors.hpp):
// a file that cannot be built or loaded is bad input (exit 2); a kernel that
// crashes, times out or computes a wrong result in its child process is a
// run-time failure of that kernel (exit 1, a failed record in a sweep).
#pragma once

#include "platform/errors.hpp"

namespace cachescope::userkernels {

// No compiler, a source that does not compile, a missing file, a shared
// object without the exported kernel: one line naming the file.
struct UserKernelError : InputError {
  using InputError::InputError;
};

// The kernel ran and failed: "crashed: SIGSEGV in user.x at n=256",
// "timed out after 10 s in user.x at n=256", "wrong result at C[3][17]: ...".
struct KernelFailure : RunFailure {
  using RunFailure::RunFailure;
};

}  // namespace cachescope::userkernels
