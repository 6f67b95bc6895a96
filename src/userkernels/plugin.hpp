// Loading a student's kernel (`--plugin FILE.so|FILE.cpp`): it enters the
// kernel registry as `user.NAME` (kernels/registry.hpp registerKernel), so
// `list`, `bench`, `simulate` and the GUI take it like a built-in one.
//
// Nothing of the shared object runs in cachescope's own process: loading
// asks a child process (child.hpp) for the exported description; every
// timed run, every verification and every traced run happens in a child
// too. The registered Kernel:
//   prepare  forks a child that first verifies the kernel against the
//            reference on awkward sizes (1, 7, 33, 65, 100, and the job's n
//            up to 512; C starts as NaN and a guard after it must stay
//            untouched): a wrong kernel fails there and is never timed.
//            Then run() asks the child for one run and takes the child's
//            own time of it (Prepared::selfTimedSeconds).
//   trace    (a kernel written over the access policy) runs the Traced
//            version in a child that sends its reference batches and marks
//            over the socket; the parent feeds them to the sink (the cache
//            simulator, the Access animation). Its exact reference count is
//            measured once per size by a counting run in a child.
// A kernel written as a plain function has no trace: timed, "untraced".
#pragma once

#include <optional>
#include <string>

#include "kernels/kernel.hpp"
#include "userkernels/build.hpp"

namespace cachescope::userkernels {

// The id prefix of every user kernel ("user." + the macro's NAME).
inline constexpr const char* kUserIdPrefix = "user.";

struct LoadedKernel {
  const Kernel* kernel = nullptr;
  std::string object;                // the shared object loaded
  std::optional<BuildResult> build;  // when a .cpp was built (or found built) first
  bool traced = false;
  bool reloaded = false;             // the id was loaded before: it now runs this object
};

// FILE.cpp (or .cc, .cxx) is built first (build.hpp). Throws
// UserKernelError: no such file, a build error (BuildError), not a shared
// object, no exported kernel ("FILE.so: no kernel exported (...)"), a
// crash while loading, a bad NAME, or an id loaded before with another
// family or traceability. Loading an id again with a rebuilt object makes
// the id run the new one.
LoadedKernel loadPlugin(const std::string& file);

}  // namespace cachescope::userkernels
